using Circul.Grains.Accounts;
using Circul.Grains.Users;
using Circul.Storage;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Web;

/// <summary>
/// Browser sessions of the web pages, separate from API tokens: the cookie holds a random value (prefix <c>cw_</c>),
/// the database only its SHA-256, so any silo validates it and logout revokes it everywhere. The cookie is HttpOnly,
/// SameSite=Lax, and Secure when the request came over HTTPS (directly or through a loopback proxy's
/// <c>X-Forwarded-Proto</c>). Only humans have passwords, so only humans get a session.
/// </summary>
public sealed class WebSessions(IWebStore store, IGrainFactory grains, WebClock clock, IOptions<WebOptions> options)
{
    public const string CookieName = "circul_session";
    public const string SecretPrefix = "cw_";
    private const string ItemKey = "circul.webuser";

    /// <summary>The signed-in human of this request, or null (no cookie, unknown, expired or revoked session).</summary>
    public async Task<WebUser?> FindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(ItemKey, out var known))
        {
            return known as WebUser;
        }

        var user = await LoadAsync(context);
        context.Items[ItemKey] = user;
        return user;
    }

    /// <summary>Starts a session for <paramref name="userId"/> (ending the request's previous one, so a session id set
    /// before login is never the one used after it) and sets the cookie.</summary>
    public async Task SignInAsync(HttpContext context, string userId)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Cookies[CookieName] is { Length: > 0 and <= 200 } previous)
        {
            await store.DeleteSessionAsync(Secrets.HashToken(previous), context.RequestAborted);
        }

        var secret = Secrets.NewToken(SecretPrefix);
        var now = clock.Now;
        var expires = now + TimeSpan.FromHours(options.Value.SessionLifetimeHours);
        await store.AddSessionAsync(new WebSessionRecord(Secrets.HashToken(secret), userId, now, expires), context.RequestAborted);
        context.Response.Cookies.Append(CookieName, secret, CookieOptions(context, expires));
        context.Items.Remove(ItemKey);
    }

    /// <summary>Revokes the session (on every silo: the row is gone) and clears the cookie.</summary>
    public async Task SignOutAsync(HttpContext context, WebUser user)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(user);
        await store.DeleteSessionAsync(user.SessionHash, context.RequestAborted);
        context.Response.Cookies.Delete(CookieName, CookieOptions(context, null));
        context.Items[ItemKey] = null;
    }

    public static CookieOptions CookieOptions(HttpContext context, DateTimeOffset? expires, SameSiteMode sameSite = SameSiteMode.Lax) => new()
    {
        HttpOnly = true,
        SameSite = sameSite,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };

    private async Task<WebUser?> LoadAsync(HttpContext context)
    {
        var secret = context.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(secret) || secret.Length > 200 || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = Secrets.HashToken(secret);
        var session = await store.FindSessionAsync(hash, clock.Now, context.RequestAborted);
        if (session is null)
        {
            return null;
        }

        var user = await grains.GetGrain<IUserGrain>(session.UserId).GetAsync();
        if (user is null || user.IsBot)
        {
            return null;
        }

        return new WebUser(user.Id, user.Name, hash, AntiForgery.ForSession(secret));
    }
}
