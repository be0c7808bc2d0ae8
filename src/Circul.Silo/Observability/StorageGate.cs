using Circul.Silo.Cluster;
using Circul.Silo.Infrastructure;

namespace Circul.Silo.Observability;

/// <summary>Until storage is migrated, the silo registered and the Orleans silo started, <c>/api</c> and <c>/ws</c> answer 503
/// <c>{"error":"storage unavailable"}</c> at once, rather than a 500 or a request hanging on the database.</summary>
public static class StorageGate
{
    public const string Message = "storage unavailable";

    public static IApplicationBuilder UseStorageGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if ((path.StartsWithSegments("/api") || path.StartsWithSegments("/ws") || path.StartsWithSegments("/consumer")) && !IsReady(context))
        {
            context.Response.Headers.RetryAfter = "1";
            await ApiErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, Message);
            return;
        }

        await next(context);
    });

    /// <summary>Storage migrated, the silo registered, Orleans started and the gateway registered (the web pages ask
    /// too, and answer their own 503 page).</summary>
    public static bool IsReady(HttpContext context) =>
        context.RequestServices.GetRequiredService<SiloRegistration>().IsRegistered
        && context.RequestServices.GetRequiredService<OrleansSiloStarter>().IsStarted
        && context.RequestServices.GetRequiredService<GatewayDirectoryService>().IsRegistered;
}
