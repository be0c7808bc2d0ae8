namespace Circul.Silo.Web;

/// <summary>Where the login form may send the browser afterwards: a path on this site only.</summary>
public static class LocalReturnUrl
{
    public const string Default = "/apps";

    /// <summary><paramref name="returnUrl"/> when it is a local path (a single leading <c>/</c>, not <c>//</c> or
    /// <c>/\</c>, printable ASCII only: browsers drop tabs and newlines, so <c>/\t/evil</c> would become
    /// <c>//evil</c>, and treat <c>\</c> as <c>/</c>), else <see cref="Default"/>.</summary>
    public static string Sanitize(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Length > 2048 || returnUrl[0] != '/')
        {
            return Default;
        }

        if (returnUrl.Length > 1 && (returnUrl[1] == '/' || returnUrl[1] == '\\'))
        {
            return Default;
        }

        foreach (var c in returnUrl)
        {
            if (c <= ' ' || c >= 0x7F || c == '\\')
            {
                return Default;
            }
        }

        return returnUrl;
    }
}
