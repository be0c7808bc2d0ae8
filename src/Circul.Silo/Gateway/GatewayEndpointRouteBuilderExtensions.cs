using Microsoft.AspNetCore.Http.Timeouts;

namespace Circul.Silo.Gateway;

public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>Maps <c>GET /ws</c>, the WebSocket gateway (needs <see cref="GatewayServiceCollectionExtensions.AddGateway"/>).</summary>
    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var endpoint = app.ServiceProvider.GetRequiredService<GatewayEndpoint>();
        app.MapGet("/ws", endpoint.HandleAsync)
            .DisableRequestTimeout()
            .WithDisplayName("WebSocket gateway");
        return app;
    }
}
