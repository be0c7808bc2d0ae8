namespace Circul.Silo.Infrastructure;

/// <summary>
/// Headers every answer carries: <c>X-Content-Type-Options: nosniff</c> on all of them (JSON, the metrics text, the
/// uploaded images), so no browser reads one as HTML or script; and <c>Cache-Control: no-store</c> on everything under
/// <c>/api</c> and <c>/ws</c>, so no cache keeps an answer. Those answers are per caller, and several carry a secret
/// shown once (register, login, app create, token reset); one rule for the whole prefix cannot miss a route added
/// later. An answer that sets its own Cache-Control keeps it.
/// </summary>
public static class SecurityHeaders
{
    public const string NoStore = "no-store";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // On starting, not now: whatever runs later (error bodies, status pages) may reset the headers first.
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            if (IsPrivate(http.Request.Path) && string.IsNullOrEmpty(headers.CacheControl))
            {
                headers.CacheControl = NoStore;
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    });

    private static bool IsPrivate(PathString path) => path.StartsWithSegments("/api") || path.StartsWithSegments("/ws");
}
