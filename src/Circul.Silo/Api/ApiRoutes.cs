using Circul.Silo.Infrastructure;
using Circul.Silo.RateLimiting;

namespace Circul.Silo.Api;

public static class ApiRoutes
{
    /// <summary>An /api group whose routes need a token and are rate limited.</summary>
    public static RouteGroupBuilder MapAuthenticatedGroup(this IEndpointRouteBuilder app, string prefix) =>
        app.MapGroup(prefix).AddEndpointFilter<CallerFilter>().AddEndpointFilter<RateLimitFilter>();

    /// <summary>Marks a message-send route for the per-room bucket.</summary>
    public static RouteHandlerBuilder WithMessageBucket(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(MessageSendMetadata.Instance);

    public static IEndpointRouteBuilder MapCirculApi(this IEndpointRouteBuilder app)
    {
        app.MapAuthApi();
        app.MapAppsApi();
        app.MapUsersApi();
        app.MapMediaEndpoints();
        app.MapConversationsApi();
        app.MapMessagesApi();
        app.MapPanelsApi();
        app.MapKeysApi();
        app.MapConsumerApi();
        app.Map("/api/{**rest}", (HttpContext context) => ApiErrors.WriteAsync(context, 404, "not found"));
        return app;
    }
}
