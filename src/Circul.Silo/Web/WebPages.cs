using System.Security.Cryptography;
using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Accounts;
using Circul.Grains.Hosting;
using Circul.Silo.Observability;
using Circul.Silo.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Circul.Silo.Web;

/// <summary>
/// The server-rendered pages (API sections 9 and 10): the login form, logout, My Apps and the OAuth consent page.
/// Every page answers with a CSP that allows only this site's stylesheet and script, no framing, no caching; every
/// failure below is an HTML error page (never the API's JSON and never a redirect).
/// </summary>
public static partial class WebPages
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static IEndpointRouteBuilder MapWebPages(this IEndpointRouteBuilder app)
    {
        app.MapWebAssets();
        var pages = app.MapGroup("").AddEndpointFilter(PageFilterAsync);
        pages.MapGet("/login", LoginFormAsync);
        pages.MapPost("/login", LoginAsync);
        pages.MapGet("/logout", LogoutFormAsync);
        pages.MapPost("/logout", LogoutAsync);
        pages.MapAppsPages();
        pages.MapOAuthPages();
        return app;
    }

    /// <summary>Headers of every page. <paramref name="formActionOrigin"/>: an extra origin forms may lead to.</summary>
    public static void ApplyPageHeaders(HttpResponse response, string? formActionOrigin)
    {
        ArgumentNullException.ThrowIfNull(response);
        var headers = response.Headers;
        headers.ContentSecurityPolicy = formActionOrigin is null ? ContentSecurityPolicy : ContentSecurityPolicy + " " + formActionOrigin;
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
    }

    /// <summary>The form of a signed-in person, checked against the session's anti-forgery token.</summary>
    public static async Task<(WebUser User, IFormCollection Form)> ReadSignedInFormAsync(HttpContext context, WebSessions sessions)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sessions);
        var user = await sessions.FindAsync(context)
            ?? throw new WebError(401, "Your session has ended. Log in again, then repeat what you were doing.");
        var form = await ReadFormAsync(context);
        if (!AntiForgery.Matches(form[AntiForgery.FieldName].ToString(), user.FormToken))
        {
            throw new WebError(400, "This form did not come from this site, or it belongs to another session. Reload the page and try again.");
        }

        return (user, form);
    }

    public static async Task<IFormCollection> ReadFormAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.HasFormContentType)
        {
            throw new WebError(400, "Expected a form submission.");
        }

        try
        {
            return await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            throw new WebError(400, "The form could not be read.");
        }
    }

    /// <summary>Redirect (302) to the login form, coming back to this request's path and query afterwards.</summary>
    public static RedirectHttpResult RedirectToLogin(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var here = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        return TypedResults.Redirect("/login?returnUrl=" + Uri.EscapeDataString(here));
    }

    public static HtmlResult ErrorPage(int status, string message, WebUser? user)
    {
        var title = status switch
        {
            400 => "This request cannot be used",
            401 => "Please log in",
            403 => "Not allowed",
            404 => "Not found",
            409 => "Already done",
            413 => "Too large",
            429 => "Too many attempts",
            503 => "Try again in a moment",
            _ => "Something went wrong",
        };
        var main = $"""
            <h1>{Html.E(title)}</h1>
            <section>{Html.Alert(message)}<p><a href="/apps">Go to My Apps</a>{(user is null ? " · <a href=\"/login\">Log in</a>" : "")}</p></section>
            """;
        return new HtmlResult(status, Html.Page(title, user, main));
    }

    public static async Task<IResult> LoginFormAsync(HttpContext context, WebSessions sessions, string? returnUrl)
    {
        var target = LocalReturnUrl.Sanitize(returnUrl);
        if (await sessions.FindAsync(context) is not null)
        {
            return TypedResults.Redirect(target);
        }

        return LoginPage(context, 200, null, target, "");
    }

    public static async Task<IResult> LoginAsync(HttpContext context, WebSessions sessions, AccountService accounts, LoginThrottle throttle)
    {
        var form = await ReadFormAsync(context);
        var target = LocalReturnUrl.Sanitize(form["returnUrl"].ToString());
        var username = form["username"].ToString().Trim();
        var password = form["password"].ToString();
        var cookie = context.Request.Cookies[AntiForgery.LoginCookieName];
        if (string.IsNullOrEmpty(cookie) || cookie.Length > 100 || !AntiForgery.Matches(form[AntiForgery.FieldName].ToString(), AntiForgery.ForLogin(cookie)))
        {
            return LoginPage(context, 400, "This login form expired or did not come from this site. Please try again.", target, username);
        }

        if (username.Length is < 1 or > 100 || password.Length is < 1 or > 1024)
        {
            return LoginPage(context, 400, "Enter your username and password.", target, username);
        }

        try
        {
            var outcome = await throttle.GuardAsync(context, username, async () => TypedResults.Ok(await accounts.VerifyLoginAsync(username, password)));
            if (outcome.Result is not Ok<UserDto> { Value: { } user })
            {
                var wait = outcome.Result is JsonHttpResult<RateLimitedDto> { Value: { } limited } ? Math.Ceiling(limited.RetryAfter) : 1;
                return LoginPage(context, 429, $"Too many failed logins. Try again in {wait:0} seconds.", target, username);
            }

            await sessions.SignInAsync(context, user.Id);
        }
        catch (ApiException e) when (e.StatusCode == StatusCodes.Status401Unauthorized)
        {
            return LoginPage(context, 401, "Invalid username or password.", target, username);
        }

        context.Response.Cookies.Delete(AntiForgery.LoginCookieName, WebSessions.CookieOptions(context, null, SameSiteMode.Strict));
        return TypedResults.Redirect(target);
    }

    public static async Task<IResult> LogoutFormAsync(HttpContext context, WebSessions sessions, string? returnUrl)
    {
        var target = LocalReturnUrl.Sanitize(returnUrl);
        var user = await sessions.FindAsync(context);
        if (user is null)
        {
            return TypedResults.Redirect(LoginUrl(target));
        }

        var main = $"""
            <h1>Log out</h1>
            <section>
              <p>End this browser session on every server. Your bots and API tokens are not affected.</p>
              <form method="post" action="/logout">
                {Html.FormToken(user.FormToken)}
                <input type="hidden" name="returnUrl" value="{Html.E(target)}">
                <button type="submit">Log out</button>
              </form>
            </section>
            """;
        return new HtmlResult(200, Html.Page("Log out", user, main));
    }

    public static async Task<IResult> LogoutAsync(HttpContext context, WebSessions sessions)
    {
        var (user, form) = await ReadSignedInFormAsync(context, sessions);
        await sessions.SignOutAsync(context, user);
        return TypedResults.Redirect(LoginUrl(LocalReturnUrl.Sanitize(form["returnUrl"].ToString())));
    }

    /// <summary>The login form, coming back to <paramref name="returnUrl"/> (already local) afterwards.</summary>
    private static string LoginUrl(string returnUrl) =>
        returnUrl == LocalReturnUrl.Default ? "/login" : "/login?returnUrl=" + Uri.EscapeDataString(returnUrl);

    private static HtmlResult LoginPage(HttpContext context, int status, string? error, string returnUrl, string username)
    {
        // The login form's double-submit cookie: kept while it is well formed, so two open tabs both work.
        var cookie = context.Request.Cookies[AntiForgery.LoginCookieName];
        if (string.IsNullOrEmpty(cookie) || cookie.Length > 100)
        {
            cookie = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            context.Response.Cookies.Append(AntiForgery.LoginCookieName, cookie, WebSessions.CookieOptions(context, null, SameSiteMode.Strict));
        }

        var main = $"""
            <h1>Log in to Circul</h1>
            <section>
              {Html.Alert(error)}
              <form method="post" action="/login">
                {Html.FormToken(AntiForgery.ForLogin(cookie))}
                <input type="hidden" name="returnUrl" value="{Html.E(returnUrl)}">
                <label for="username">Username</label>
                <input type="text" id="username" name="username" value="{Html.E(username)}" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="100" autofocus>
                <label for="password">Password</label>
                <input type="password" id="password" name="password" autocomplete="current-password" required maxlength="1024">
                <button type="submit">Log in</button>
              </form>
              <p class="hint">No account yet? Create one with <code>POST /api/auth/register</code>; the same username and password work here.</p>
            </section>
            """;
        if (status == 429 && context.Response.Headers.RetryAfter.Count == 0)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        return new HtmlResult(status, Html.Page("Log in", null, main));
    }

    private static async ValueTask<object?> PageFilterAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        ApplyPageHeaders(context.Response, null);
        if (!StorageGate.IsReady(context))
        {
            context.Response.Headers.RetryAfter = "1";
            return ErrorPage(503, "The service is starting or its database is unreachable. Reload the page in a moment.", null);
        }

        try
        {
            return await next(invocation);
        }
        catch (Exception e) when (!context.Response.HasStarted && Status(e) is { } status)
        {
            if (status == 503)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            WebUser? user = null;
            if (status != 503)
            {
                user = await context.RequestServices.GetRequiredService<WebSessions>().FindAsync(context);
            }

            var message = status == 503 ? "The service is briefly unavailable. Reload the page in a moment." : e.Message;
            if (WantsJson(context.Request))
            {
                return TypedResults.Json(new ErrorDto(message), CirculJson.Options, statusCode: status);
            }

            return ErrorPage(status, message, user);
        }
    }

    /// <summary>A client of <c>/oauth</c> asking for JSON and not for HTML (a script checking a link, not a browser)
    /// gets the contract's <c>{"error": …}</c> body instead of the page.</summary>
    private static bool WantsJson(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return request.Path.StartsWithSegments("/oauth")
            && accept.Contains("application/json", StringComparison.OrdinalIgnoreCase)
            && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }

    private static int? Status(Exception e) => e switch
    {
        WebError web => web.StatusCode,
        ApiException { StatusCode: < 500 or 503 } api => api.StatusCode,
        BadHttpRequestException { StatusCode: < 500 } bad => bad.StatusCode,
        _ when GrainErrorFilter.IsStorageFailure(e) => 503,
        _ => null,
    };
}
