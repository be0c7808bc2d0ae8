using System.Security.Cryptography;
using System.Text;

namespace Circul.Silo.Web;

/// <summary>
/// Synchronizer tokens that need no server-side key, so a form rendered by one silo validates on any other. A
/// session's form token is an HMAC of a fixed label keyed with the session cookie's random value: only the page the
/// server rendered for that cookie (HttpOnly, so no script can read it) knows it. Before login there is no session, so
/// the login form pairs a random SameSite=Strict cookie with a field derived from it the same way (double submit):
/// a cross-site page can neither read nor set that cookie.
/// </summary>
public static class AntiForgery
{
    public const string FieldName = "_csrf";
    public const string LoginCookieName = "circul_login";

    public static string ForSession(string sessionSecret) => Derive(sessionSecret, "circul-session-form");

    public static string ForLogin(string loginCookie) => Derive(loginCookie, "circul-login-form");

    /// <summary>Whether the posted token equals the expected one (constant time).</summary>
    public static bool Matches(string? posted, string expected)
    {
        if (string.IsNullOrEmpty(posted) || posted.Length > 128)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(posted), Encoding.ASCII.GetBytes(expected));
    }

    private static string Derive(string secret, string label) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(label)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
