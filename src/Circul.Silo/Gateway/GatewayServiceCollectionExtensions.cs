using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Gateway;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers the WebSocket gateway: <see cref="GatewayOptions"/> (bound from <c>Circul:Gateway</c>, validated at
    /// start), <see cref="GatewayRegistry"/> (the local sessions; events and account actions reach it through
    /// <see cref="Cluster.EventRouter"/>), <see cref="GatewayMetrics"/>, and the heartbeat/sweep/shutdown hosted service.
    /// Map the route with <see cref="GatewayEndpointRouteBuilderExtensions.MapGateway"/>.
    /// </summary>
    public static IServiceCollection AddGateway(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<GatewayRegistry>();
        services.TryAddSingleton<Cluster.ILocalSessions>(static sp => sp.GetRequiredService<GatewayRegistry>());
        services.TryAddSingleton<GatewayEndpoint>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GatewayMaintenanceService>());
        return services;
    }
}
