using Circul.Contracts;
using Circul.Grains;

namespace Circul.Silo.Infrastructure;

/// <summary>The one place where failures become the contract's <c>{ "error": "…" }</c> bodies.</summary>
public static partial class ApiErrors
{
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorDto(message), CirculJson.Options);
    }

    /// <summary>Maps exceptions thrown below the endpoints; anything unexpected is a logged 500 without details.</summary>
    public static IApplicationBuilder UseApiErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            switch (exception)
            {
                case ApiException api:
                    await WriteAsync(context, api.StatusCode, api.Message);
                    break;
                case BadHttpRequestException bad:
                    await WriteAsync(context, bad.StatusCode, bad.StatusCode == 413 ? "request body too large" : "bad request");
                    break;
                case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                    break;
                default:
                    var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Circul.Api");
                    LogUnhandled(logger, exception, context.Request.Method, context.Request.Path);
                    await WriteAsync(context, 500, "internal error");
                    break;
            }
        }
    });

    /// <summary>Gives bodiless /api error answers (404 of unknown routes, 405) the contract's error body.</summary>
    public static IApplicationBuilder UseApiStatusBodies(this IApplicationBuilder app) => app.UseStatusCodePages(async ctx =>
    {
        var http = ctx.HttpContext;
        if (!http.Request.Path.StartsWithSegments("/api") && !http.Request.Path.StartsWithSegments("/ws"))
        {
            return;
        }

        var message = http.Response.StatusCode switch
        {
            404 => "not found",
            405 => "method not allowed",
            415 => "unsupported media type",
            _ => "request failed",
        };
        await http.Response.WriteAsJsonAsync(new ErrorDto(message), CirculJson.Options);
    });

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
