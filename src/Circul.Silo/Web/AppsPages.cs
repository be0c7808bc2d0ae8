using System.Globalization;
using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Accounts;
using Circul.Grains.Users;
using Circul.Silo.Api;

namespace Circul.Silo.Web;

/// <summary>My Apps (API section 10) as pages: the list and the create form, one app's details with its edit form,
/// token reset (the new token shown once), deletion behind a confirmation page, and the OAuth URL builder. Every
/// change goes through <see cref="AccountService"/>, the same code as <c>/api/apps</c>.</summary>
public static class AppsPages
{
    public static RouteGroupBuilder MapAppsPages(this RouteGroupBuilder pages)
    {
        pages.MapGet("/apps", ListAsync);
        pages.MapPost("/apps", CreateAsync);
        pages.MapGet("/apps/{id}", DetailsAsync);
        pages.MapPost("/apps/{id}", UpdateAsync);
        pages.MapPost("/apps/{id}/token", ResetTokenAsync);
        pages.MapGet("/apps/{id}/delete", DeleteFormAsync);
        pages.MapPost("/apps/{id}/delete", DeleteAsync);
        return pages;
    }

    public static async Task<IResult> ListAsync(HttpContext context, WebSessions sessions, AccountService accounts, string? deleted)
    {
        var user = await sessions.FindAsync(context);
        if (user is null)
        {
            return WebPages.RedirectToLogin(context);
        }

        var notice = deleted is null ? null : "The app was deleted.";
        return ListPage(user, await accounts.ListAppsAsync(user.UserId), 200, null, notice, new AppForm("", "", ""));
    }

    public static async Task<IResult> CreateAsync(HttpContext context, WebSessions sessions, AccountService accounts)
    {
        var (user, form) = await WebPages.ReadSignedInFormAsync(context, sessions);
        var input = AppForm.From(form);
        AppCreatedDto created;
        try
        {
            var (name, description, uris) = input.Validate(nameRequired: true);
            created = await accounts.CreateAppAsync(user.UserId, name!, description ?? "", uris);
        }
        catch (ApiException e) when (e.StatusCode == 400)
        {
            return ListPage(user, await accounts.ListAppsAsync(user.UserId), 400, e.Message, null, input);
        }

        var main = $"""
            <h1>{Html.E(created.App.Name)} was created</h1>
            {TokenSection(created.Token, "This is the bot's token. It is shown only now: copy it into your bot's configuration. If you lose it, reset it on the app's page.")}
            <p><a class="button" href="/apps/{Html.E(created.App.Id)}">Continue to the app</a></p>
            """;
        return new HtmlResult(201, Html.Page("App created", user, main));
    }

    public static async Task<IResult> DetailsAsync(HttpContext context, string id, WebSessions sessions, AccountService accounts, string? redirect_uri, string? saved)
    {
        var user = await sessions.FindAsync(context);
        if (user is null)
        {
            return WebPages.RedirectToLogin(context);
        }

        var app = await accounts.GetAppAsync(user.UserId, id);
        return DetailsPage(context, user, app, 200, null, saved is null ? null : "Saved.", AppForm.Of(app), redirect_uri);
    }

    public static async Task<IResult> UpdateAsync(HttpContext context, string id, WebSessions sessions, AccountService accounts)
    {
        var (user, form) = await WebPages.ReadSignedInFormAsync(context, sessions);
        var app = await accounts.GetAppAsync(user.UserId, id);
        var input = AppForm.From(form);
        try
        {
            var (name, description, uris) = input.Validate(nameRequired: true);
            await accounts.UpdateAppAsync(user.UserId, id, new AppChange(name, description ?? "", uris));
        }
        catch (ApiException e) when (e.StatusCode == 400)
        {
            return DetailsPage(context, user, app, 400, e.Message, null, input, null);
        }

        return TypedResults.Redirect($"/apps/{Uri.EscapeDataString(id)}?saved=1");
    }

    public static async Task<IResult> ResetTokenAsync(HttpContext context, string id, WebSessions sessions, AccountService accounts)
    {
        var (user, _) = await WebPages.ReadSignedInFormAsync(context, sessions);
        var app = await accounts.GetAppAsync(user.UserId, id);
        var token = await accounts.ResetTokenAsync(user.UserId, id);
        var main = $"""
            <h1>New token for {Html.E(app.Name)}</h1>
            {TokenSection(token.Token, "The old token stopped working and its connections were closed. This new token is shown only now: copy it into your bot's configuration.")}
            <p><a class="button" href="/apps/{Html.E(app.Id)}">Back to the app</a></p>
            """;
        return new HtmlResult(200, Html.Page("Token reset", user, main));
    }

    public static async Task<IResult> DeleteFormAsync(HttpContext context, string id, WebSessions sessions, AccountService accounts)
    {
        var user = await sessions.FindAsync(context);
        if (user is null)
        {
            return WebPages.RedirectToLogin(context);
        }

        var app = await accounts.GetAppAsync(user.UserId, id);
        var main = $"""
            <h1>Delete {Html.E(app.Name)}?</h1>
            <section>
              <p>The bot's account is deleted, its token stops working and its connections close. This cannot be undone.</p>
              <form method="post" action="/apps/{Html.E(app.Id)}/delete">
                {Html.FormToken(user.FormToken)}
                <div class="actions">
                  <button type="submit" class="danger">Delete {Html.E(app.Name)}</button>
                  <a class="button secondary" href="/apps/{Html.E(app.Id)}">Cancel</a>
                </div>
              </form>
            </section>
            """;
        return new HtmlResult(200, Html.Page("Delete app", user, main));
    }

    public static async Task<IResult> DeleteAsync(HttpContext context, string id, WebSessions sessions, AccountService accounts)
    {
        var (user, _) = await WebPages.ReadSignedInFormAsync(context, sessions);
        await accounts.DeleteAppAsync(user.UserId, id);
        return TypedResults.Redirect("/apps?deleted=1");
    }

    /// <summary>The authorize URL for an app and a redirect URI, on this site's own address.</summary>
    public static string AuthorizeUrl(HttpRequest request, string appId, string redirectUri)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase}/oauth/authorize?bot_id={Uri.EscapeDataString(appId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}";
    }

    private static HtmlResult ListPage(WebUser user, IReadOnlyList<AppDto> apps, int status, string? error, string? notice, AppForm input)
    {
        var items = apps.Count == 0
            ? "<p>You have no apps yet. Create one below: each app is a bot account with its own token.</p>"
            : "<ul class=\"apps\">" + string.Concat(apps.Select(a =>
                $"""<li>{Avatar(a.Name, a.AvatarUrl, small: true)}<a href="/apps/{Html.E(a.Id)}">{Html.E(a.Name)}</a> <span class="hint mono">{Html.E(a.Id)}</span></li>""")) + "</ul>";
        var main = $"""
            <h1>My Apps</h1>
            {Html.Alert(notice, error: false)}
            <section aria-labelledby="apps-heading">
              <h2 id="apps-heading">Your apps</h2>
              {items}
            </section>
            <section aria-labelledby="create-heading">
              <h2 id="create-heading">Create an app</h2>
              {Html.Alert(error)}
              <form method="post" action="/apps">
                {Html.FormToken(user.FormToken)}
                {Fields(input, "new")}
                <button type="submit">Create app</button>
              </form>
            </section>
            """;
        return new HtmlResult(status, Html.Page("My Apps", user, main));
    }

    private static HtmlResult DetailsPage(HttpContext context, WebUser user, AppDto app, int status, string? error, string? notice, AppForm input, string? builderUri)
    {
        var id = Html.E(app.Id);
        var registered = app.RedirectUris.Count == 0
            ? "<p>No redirect URIs yet: add one below before sharing an authorize link.</p>"
            : "<ul>" + string.Concat(app.RedirectUris.Select(u => $"<li class=\"mono\">{Html.E(u)}</li>")) + "</ul>";
        var main = $"""
            <h1>{Html.E(app.Name)}</h1>
            {Html.Alert(notice, error: false)}
            <section aria-labelledby="about-heading">
              <h2 id="about-heading">About</h2>
              <div class="botcard">{Avatar(app.Name, app.AvatarUrl, small: false)}
                <dl>
                  <dt>Application ID</dt><dd class="mono">{id}</dd>
                  <dt>Created</dt><dd>{Html.E(app.CreatedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))}</dd>
                  <dt>Description</dt><dd>{(app.Description.Length == 0 ? "<span class=\"hint\">none</span>" : Html.E(app.Description))}</dd>
                </dl>
              </div>
              <h3>Redirect URIs</h3>
              {registered}
            </section>
            <section aria-labelledby="edit-heading">
              <h2 id="edit-heading">Edit</h2>
              {Html.Alert(error)}
              <form method="post" action="/apps/{id}">
                {Html.FormToken(user.FormToken)}
                {Fields(input, "edit")}
                <button type="submit">Save changes</button>
              </form>
            </section>
            {Builder(context.Request, app, builderUri)}
            <section aria-labelledby="token-heading">
              <h2 id="token-heading">Token</h2>
              <p>Tokens are stored only as a hash, so the current one cannot be shown again. Resetting makes a new one and stops the old one at once (its connections close with 4001).</p>
              <form method="post" action="/apps/{id}/token">
                {Html.FormToken(user.FormToken)}
                <button type="submit" class="secondary">Reset token</button>
              </form>
            </section>
            <section aria-labelledby="danger-heading">
              <h2 id="danger-heading">Delete</h2>
              <p><a class="button secondary" href="/apps/{id}/delete">Delete this app…</a></p>
            </section>
            """;
        return new HtmlResult(status, Html.Page(app.Name, user, main));
    }

    private static string Builder(HttpRequest request, AppDto app, string? builderUri)
    {
        var chosen = builderUri ?? app.RedirectUris.FirstOrDefault() ?? "";
        var options = string.Concat(app.RedirectUris.Select(u => $"<option value=\"{Html.E(u)}\"></option>"));
        var result = "";
        if (chosen.Length > 0)
        {
            var warning = app.RedirectUris.Contains(chosen, StringComparer.Ordinal)
                ? ""
                : Html.Alert("This redirect URI is not registered (the comparison is exact), so the authorize page will refuse it. Add it above first.");
            result = $"""
                {warning}
                <label for="oauth-url">Authorize URL</label>
                <div class="copyrow">
                  <input type="text" id="oauth-url" readonly value="{Html.E(AuthorizeUrl(request, app.Id, chosen))}">
                  <button type="button" data-copy-target="oauth-url" data-copy-status="oauth-url-status" hidden>Copy</button>
                </div>
                <p id="oauth-url-status" class="hint" role="status" aria-live="polite"></p>
                <p class="hint">Share this link: whoever opens it picks one of their panels, and your bot joins it; their browser then goes to the redirect URI with <code>panel_id</code>, <code>panel_name</code> and <code>bot</code> (or <code>error=access_denied</code>).</p>
                """;
        }

        return $"""
            <section aria-labelledby="oauth-heading" id="oauth">
              <h2 id="oauth-heading">OAuth URL builder</h2>
              <form method="get" action="/apps/{Html.E(app.Id)}#oauth">
                <label for="builder-redirect">Redirect URI</label>
                <input type="url" id="builder-redirect" name="redirect_uri" list="registered-uris" value="{Html.E(chosen)}" aria-describedby="builder-hint" maxlength="2000">
                <datalist id="registered-uris">{options}</datalist>
                <p id="builder-hint" class="hint">One of the registered redirect URIs, exactly.</p>
                <button type="submit" class="secondary">Build URL</button>
              </form>
              {result}
            </section>
            """;
    }

    private static string TokenSection(string token, string explanation) => $"""
        <section aria-labelledby="token-heading">
          <h2 id="token-heading">Bot token</h2>
          <p>{Html.E(explanation)}</p>
          <label for="new-token">Token</label>
          <div class="copyrow">
            <input type="text" id="new-token" class="secret" readonly value="{Html.E(token)}" autocomplete="off" spellcheck="false">
            <button type="button" data-copy-target="new-token" data-copy-status="new-token-status" hidden>Copy</button>
          </div>
          <p id="new-token-status" class="hint" role="status" aria-live="polite"></p>
        </section>
        """;

    private static string Fields(AppForm input, string prefix) => $"""
        <label for="{prefix}-name">Name</label>
        <input type="text" id="{prefix}-name" name="name" value="{Html.E(input.Name)}" required maxlength="100">
        <label for="{prefix}-description">Description <span class="hint">(optional)</span></label>
        <textarea id="{prefix}-description" name="description" maxlength="1000">{Html.E(input.Description)}</textarea>
        <label for="{prefix}-redirects">Redirect URIs <span class="hint">(optional)</span></label>
        <textarea id="{prefix}-redirects" name="redirect_uris" aria-describedby="{prefix}-redirects-hint" spellcheck="false">{Html.E(input.RedirectUris)}</textarea>
        <p id="{prefix}-redirects-hint" class="hint">One absolute http or https URI per line (at most {AppsApi.MaxRedirectUris}), matched exactly by the authorize page.</p>
        """;

    public static string Avatar(string name, string avatarUrl, bool small)
    {
        var size = small ? " small" : "";
        return avatarUrl.StartsWith('/') && !avatarUrl.StartsWith("//", StringComparison.Ordinal)
            ? $"""<img class="avatar{size}" src="{Html.E(avatarUrl)}" alt="">"""
            : $"""<span class="avatar letter{size}" aria-hidden="true">{Html.E(name.Length > 0 ? char.ToUpperInvariant(name[0]).ToString() : "?")}</span>""";
    }

    /// <summary>The create and edit forms' fields as typed (redisplayed when they fail validation).</summary>
    private sealed record AppForm(string Name, string Description, string RedirectUris)
    {
        public static AppForm From(IFormCollection form) =>
            new(form["name"].ToString(), form["description"].ToString(), form["redirect_uris"].ToString());

        public static AppForm Of(AppDto app) => new(app.Name, app.Description, string.Join('\n', app.RedirectUris));

        /// <summary>The same rules as <c>/api/apps</c>; 400 naming the field otherwise.</summary>
        public (string? Name, string? Description, IReadOnlyList<string> RedirectUris) Validate(bool nameRequired)
        {
            var name = Name.Trim();
            if ((nameRequired && name.Length == 0) || name.Length > 100)
            {
                throw ApiException.BadRequest("name: 1 to 100 characters");
            }

            NameRules.RequireNoControlCharacters(name, "name");
            var description = Description.Replace("\r\n", "\n", StringComparison.Ordinal);
            if (description.Length > 1000)
            {
                throw ApiException.BadRequest("description: at most 1000 characters");
            }

            var uris = RedirectUris.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (uris.Length > AppsApi.MaxRedirectUris || uris.Any(u => u.Length > 2000))
            {
                throw ApiException.BadRequest($"redirect_uris: at most {AppsApi.MaxRedirectUris}, each at most 2000 characters");
            }

            return (name.Length == 0 ? null : name, description, AppsApi.ValidateRedirectUris(uris));
        }
    }
}
