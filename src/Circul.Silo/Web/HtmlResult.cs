namespace Circul.Silo.Web;

/// <summary>A rendered page with its status. The headers every page carries are set by <see cref="WebPages"/>'s
/// filter; a page whose form leads off-site (the consent form redirects to the app) names that origin here, since
/// browsers apply CSP <c>form-action</c> to the redirect that follows a form submission.</summary>
public sealed class HtmlResult(int statusCode, string html, string? formActionOrigin = null) : IResult
{
    public int StatusCode { get; } = statusCode;

    public string Html { get; } = html;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        WebPages.ApplyPageHeaders(httpContext.Response, formActionOrigin);
        httpContext.Response.StatusCode = StatusCode;
        httpContext.Response.ContentType = "text/html; charset=utf-8";
        await httpContext.Response.WriteAsync(Html, httpContext.RequestAborted);
    }
}
