namespace Circul.Silo.Web;

/// <summary>A failure shown to the person as an error page with this status (never a redirect).</summary>
public sealed class WebError(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
