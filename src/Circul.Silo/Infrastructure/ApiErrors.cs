using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Hosting;
using Orleans.Runtime;

namespace Circul.Silo.Infrastructure;

/// <summary>The one place where failures become the contract's <c>{ "error": "…" }</c> bodies.</summary>
public static partial class ApiErrors
{
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorDto(message), CirculJson.Options);
    }

    /// <summary>Maps exceptions thrown below the endpoints; anything unexpected is a logged 500 without details. A 4xx
    /// is the client's mistake: one Debug line without the exception, so bad input cannot flood the logs with stack
    /// traces.</summary>
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
                case ApiException { StatusCode: < 500 } api:
                    await WriteClientErrorAsync(context, api.StatusCode, api.Message);
                    break;
                case BadHttpRequestException { StatusCode: < 500 } bad:
                    await WriteClientErrorAsync(context, bad.StatusCode, bad.StatusCode == 413 ? "request body too large" : "bad request");
                    break;
                case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                    break;
                case ApiException { StatusCode: 503 } unavailable:
                    await WriteUnavailableAsync(context, unavailable.Message, exception);
                    break;
                case var storage when GrainErrorFilter.IsStorageFailure(storage):
                    await WriteUnavailableAsync(context, GrainErrorFilter.StorageUnavailable, exception);
                    break;
                case SiloUnavailableException or OrleansMessageRejectionException or TimeoutException:
                    // A grain's silo died or did not answer in time: nothing was acknowledged; the client retries.
                    await WriteUnavailableAsync(context, "service unavailable; retry", exception);
                    break;
                default:
                    LogUnhandled(Logger(context), exception, context.Request.Method, context.Request.Path);
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

    /// <summary>503 with <c>Retry-After: 1</c>; one line without the stack (an outage must not flood the log).</summary>
    private static Task WriteUnavailableAsync(HttpContext context, string message, Exception exception)
    {
        LogUnavailable(Logger(context), context.Request.Method, context.Request.Path, exception.GetType().Name, exception.Message);
        context.Response.Headers.RetryAfter = "1";
        return WriteAsync(context, StatusCodes.Status503ServiceUnavailable, message);
    }

    private static Task WriteClientErrorAsync(HttpContext context, int status, string message)
    {
        LogClientError(Logger(context), context.Request.Method, context.Request.Path, status, message);
        return WriteAsync(context, status, message);
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Circul.Api");

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path} answered 503: {ExceptionType}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string exceptionType, string reason);

    // The path only: the query may carry a token (the gateway's ?token=).
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path} answered {StatusCode}: {Error}")]
    private static partial void LogClientError(ILogger logger, string method, string path, int statusCode, string error);
}
