using System.Text;
using Circul.Grains.Accounts;
using Circul.Grains.Panels;
using Circul.Grains.Users;
using Circul.Storage;

namespace Circul.Silo.Web;

/// <summary>
/// Bot OAuth (API section 9): <c>GET /oauth/authorize?bot_id=&amp;redirect_uri=</c> shows the consent page, and its form
/// posts back here. The redirect URI must equal a registered one exactly (ordinal string comparison: no case, prefix,
/// trailing-slash, userinfo or query tolerance); anything wrong before that is an error page, never a redirect. The
/// form carries a state token that is single-use across silos (stored hashed, consumed by one conditional UPDATE),
/// bound to the browser session that was shown the form, and good for 15 minutes.
/// </summary>
public static class OAuthPages
{
    public const string StatePrefix = "st_";
    public const int MaxClientStateLength = 500;
    public static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(15);

    public static RouteGroupBuilder MapOAuthPages(this RouteGroupBuilder pages)
    {
        pages.MapGet("/oauth/authorize", ConsentAsync);
        pages.MapPost("/oauth/authorize", DecideAsync);
        return pages;
    }

    public static async Task<IResult> ConsentAsync(HttpContext context, WebSessions sessions, IGrainFactory grains, IWebStore store, WebClock clock)
    {
        var query = context.Request.Query;
        if (query["bot_id"].Count != 1 || query["redirect_uri"].Count != 1)
        {
            throw new WebError(400, "This authorize link needs exactly one bot_id and one redirect_uri.");
        }

        // The bot's own optional state (as in Discord's and Slack's OAuth) comes back to it on the redirect unchanged.
        if (query["state"].Count > 1 || query["state"].ToString().Length > MaxClientStateLength)
        {
            throw new WebError(400, $"This authorize link's state must be one value of at most {MaxClientStateLength} characters.");
        }

        var clientState = query["state"].Count == 1 ? query["state"].ToString() : null;
        var redirectUri = query["redirect_uri"].ToString();
        var bot = await RequireAppAsync(grains, query["bot_id"].ToString(), redirectUri);
        var user = await sessions.FindAsync(context);
        if (user is null)
        {
            return WebPages.RedirectToLogin(context);
        }

        var panels = await InstallTargetsAsync(grains, user.UserId, bot.Id);
        var state = Secrets.NewToken(StatePrefix);
        var now = clock.Now;
        await store.AddOAuthStateAsync(
            new OAuthStateRecord(Secrets.HashToken(state), user.SessionHash, user.UserId, bot.Id, redirectUri, clientState, now, now + StateLifetime, null),
            context.RequestAborted);
        var here = context.Request.Path + context.Request.QueryString;
        return ConsentPage(user, bot, redirectUri, state, panels, here);
    }

    public static async Task<IResult> DecideAsync(HttpContext context, WebSessions sessions, IGrainFactory grains, IWebStore store, WebClock clock)
    {
        var (user, form) = await WebPages.ReadSignedInFormAsync(context, sessions);
        var state = form["state"].ToString();
        var record = state.Length is > 0 and <= 200 ? await store.FindOAuthStateAsync(Secrets.HashToken(state), context.RequestAborted) : null;
        if (record is null || record.SessionHash != user.SessionHash || record.UserId != user.UserId)
        {
            throw new WebError(400, "This authorization request is not valid. Start again from the app's link.");
        }

        if (record.ConsumedAt is not null)
        {
            throw new WebError(400, "This authorization request was already used. Start again from the app's link.");
        }

        if (record.ExpiresAt <= clock.Now)
        {
            throw new WebError(400, "This authorization request expired (they last 15 minutes). Start again from the app's link.");
        }

        // The owner may have removed the redirect URI or the app since the page was shown.
        var bot = await RequireAppAsync(grains, record.BotId, record.RedirectUri);
        var stateHash = record.Hash;
        switch (form["action"].ToString())
        {
            case "cancel":
                await ConsumeAsync(store, stateHash, user, clock, context);
                return TypedResults.Redirect(WithQuery(record.RedirectUri, WithClientState(record, [("error", "access_denied")])));

            case "authorize":
                var panelId = form["panel_id"].ToString();
                if (panelId.Length == 0)
                {
                    throw new WebError(400, "Choose a panel first.");
                }

                // Checked before the state is used, so a refused panel leaves everything as it was.
                var panel = grains.GetGrain<IPanelGrain>(RequirePanelId(panelId));
                if (await panel.GetBotInstallTargetAsync(user.UserId, bot.Id) is null)
                {
                    throw new WebError(403, "You cannot add this bot to that panel: you need to own it or have the Manage Panel permission there, and the bot must not be in it already.");
                }

                await ConsumeAsync(store, stateHash, user, clock, context);
                var panelName = await panel.AuthorizeBotAsync(user.UserId, bot.Id);
                return TypedResults.Redirect(WithQuery(
                    record.RedirectUri, WithClientState(record, [("panel_id", panelId), ("panel_name", panelName), ("bot", bot.Name)])));

            default:
                throw new WebError(400, "Choose Authorize or Cancel.");
        }
    }

    /// <summary><paramref name="uri"/> (as registered) with these parameters appended, URL-encoded.</summary>
    public static string WithQuery(string uri, IEnumerable<(string Name, string Value)> parameters)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(parameters);

        // A Location header must be ASCII: a registered URI with other characters goes out in its escaped form.
        var builder = new StringBuilder(Ascii.IsValid(uri) ? uri : new Uri(uri).AbsoluteUri);
        var separator = !builder.ToString().Contains('?', StringComparison.Ordinal) ? '?' : builder[^1] is '?' or '&' ? '\0' : '&';
        foreach (var (name, value) in parameters)
        {
            if (separator != '\0')
            {
                builder.Append(separator);
            }

            builder.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return builder.ToString();
    }

    private static IEnumerable<(string Name, string Value)> WithClientState(OAuthStateRecord record, (string Name, string Value)[] parameters) =>
        record.ClientState is null ? parameters : [.. parameters, ("state", record.ClientState)];

    private static async Task ConsumeAsync(IWebStore store, string stateHash, WebUser user, WebClock clock, HttpContext context)
    {
        if (!await store.TryConsumeOAuthStateAsync(stateHash, user.SessionHash, clock.Now, context.RequestAborted))
        {
            throw new WebError(400, "This authorization request was already used or has expired. Start again from the app's link.");
        }
    }

    private static async Task<UserRecord> RequireAppAsync(IGrainFactory grains, string botId, string redirectUri)
    {
        if (botId.Length is < 5 or > 64 || !botId.StartsWith("bot-", StringComparison.Ordinal))
        {
            throw new WebError(404, "There is no application with this bot_id.");
        }

        var bot = await grains.GetGrain<IUserGrain>(botId).GetRecordAsync();
        if (bot is null || !bot.IsBot)
        {
            throw new WebError(404, "There is no application with this bot_id.");
        }

        if (!bot.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
        {
            throw new WebError(400, "The redirect_uri is not registered for this application (it must match a registered one exactly).");
        }

        return bot;
    }

    private static string RequirePanelId(string panelId) =>
        panelId.Length is > 6 and <= 64 && panelId.StartsWith("panel-", StringComparison.Ordinal)
            ? panelId
            : throw new WebError(403, "You cannot add this bot to that panel.");

    private static async Task<List<(string Id, string Name)>> InstallTargetsAsync(IGrainFactory grains, string userId, string botId)
    {
        var ids = await grains.GetGrain<IUserGrain>(userId).ListPanelIdsAsync();
        var names = await Task.WhenAll(ids.Select(id => grains.GetGrain<IPanelGrain>(id).GetBotInstallTargetAsync(userId, botId)));
        return [.. ids.Zip(names).Where(p => p.Second is not null).Select(p => (p.First, p.Second!))
            .OrderBy(p => p.Item2, StringComparer.CurrentCultureIgnoreCase)];
    }

    private static HtmlResult ConsentPage(WebUser user, UserRecord bot, string redirectUri, string state, List<(string Id, string Name)> panels, string here)
    {
        var target = new Uri(redirectUri);
        var picker = panels.Count == 0
            ? """<p class="alert error" role="alert">You have no panel to add this bot to: it is already in every panel you manage, or you do not own or manage any panel (the Manage Panel permission).</p>"""
            : $"""
              <label for="panel">Panel</label>
              <select id="panel" name="panel_id" required aria-describedby="panel-hint">
                <option value="">Choose a panel…</option>
                {string.Concat(panels.Select(p => $"<option value=\"{Html.E(p.Id)}\">{Html.E(p.Name)}</option>"))}
              </select>
              <p id="panel-hint" class="hint">Panels you own or have the Manage Panel permission in, except those the bot is already in.</p>
              """;
        var main = $"""
            <h1>Add {Html.E(bot.Name)} to a panel</h1>
            <section aria-labelledby="consent-heading">
              <div class="botcard">
                {AppsPages.Avatar(bot.Name, bot.AvatarUrl, small: false)}
                <div>
                  <h2 id="consent-heading">{Html.E(bot.Name)} wants to join one of your panels</h2>
                  {(bot.Description.Length == 0 ? "" : $"<p>{Html.E(bot.Description)}</p>")}
                </div>
              </div>
              <p class="hint">Signed in as {Html.E(user.Name)}. Not you? <a href="/logout?returnUrl={Html.E(Uri.EscapeDataString(here))}">Log out</a> and log in as someone else.</p>
              <form method="post" action="/oauth/authorize">
                {Html.FormToken(user.FormToken)}
                <input type="hidden" name="state" value="{Html.E(state)}">
                {picker}
                <p>The bot joins as a member with the everyone role's permissions. Afterwards you will be sent to <span class="mono">{Html.E(target.GetLeftPart(UriPartial.Authority))}</span>.</p>
                <div class="actions">
                  <button type="submit" name="action" value="authorize"{(panels.Count == 0 ? " disabled" : "")}>Authorize</button>
                  <button type="submit" name="action" value="cancel" class="secondary" formnovalidate>Cancel</button>
                </div>
              </form>
            </section>
            """;
        return new HtmlResult(200, Html.Page("Authorize " + bot.Name, user, main), FormActionSource(target));
    }

    /// <summary>The CSP source for the redirect's origin (host sources cannot name IPv6 literals: the scheme then).</summary>
    private static string FormActionSource(Uri target) =>
        target.HostNameType == UriHostNameType.IPv6 ? target.Scheme + ":" : target.GetLeftPart(UriPartial.Authority);
}
