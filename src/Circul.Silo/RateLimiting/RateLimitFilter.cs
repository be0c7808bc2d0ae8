using Circul.Silo.Infrastructure;

namespace Circul.Silo.RateLimiting;

/// <summary>Applies <see cref="RateLimiter"/> after authentication. Routes with a <c>{id}</c> room parameter and the
/// <see cref="MessageSendMetadata"/> marker get the per-room message bucket.</summary>
public sealed class RateLimitFilter(RateLimiter limiter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!limiter.Enabled)
        {
            return await next(context);
        }

        var identity = Caller.Find(http)?.TokenHash ?? "ip:" + http.Connection.RemoteIpAddress;
        string? roomBucket = null;
        if (http.GetEndpoint()?.Metadata.GetMetadata<MessageSendMetadata>() is not null)
        {
            var endpoint = http.GetEndpoint() as RouteEndpoint;
            roomBucket = (endpoint?.RoutePattern.RawText ?? "") + "|" + string.Join('|', http.Request.RouteValues.Values);
        }

        return limiter.Check(http, identity, roomBucket) ?? await next(context);
    }
}
