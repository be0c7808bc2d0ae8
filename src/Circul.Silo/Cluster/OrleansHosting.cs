using System.Net;
using System.Net.Sockets;
using Circul.Grains.Events;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace Circul.Silo.Cluster;

/// <summary>The co-hosted Orleans silo and the per-silo event path (local delivery, links to other silos' gateways, the
/// directory registration).</summary>
public static class OrleansHosting
{
    public static WebApplicationBuilder AddCirculOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var options = configuration.GetSection(OrleansOptions.SectionName).Get<OrleansOptions>() ?? new OrleansOptions();
        var collectionAge = TimeSpan.FromSeconds(options.CollectionAgeSeconds);
        if (collectionAge <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Circul:Orleans:CollectionAgeSeconds must be positive.");
        }

        var siloPort = options.SiloPort == 0 ? FreeLoopbackPort() : options.SiloPort;
        var gatewayPort = options.GatewayPort == 0 ? FreeLoopbackPort() : options.GatewayPort;

        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.Configure<GrainCollectionOptions>(collection =>
            {
                collection.CollectionAge = collectionAge;

                // The collector looks for idle grains once per quantum: keep it well under a short age (tests).
                if (collection.CollectionQuantum >= collectionAge)
                {
                    collection.CollectionQuantum = collectionAge / 2;
                }
            });
        });

        builder.Services.AddCirculEventRouting();
        return builder;
    }

    /// <summary>The per-silo event path: local delivery to <see cref="ILocalSessions"/> (registered by the gateway, or by
    /// a test), links to the other silos' gateways, this silo's observer and its directory registration.</summary>
    public static IServiceCollection AddCirculEventRouting(this IServiceCollection services)
    {
        services.AddOptions<ClusterEventOptions>().BindConfiguration(ClusterEventOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LocalDelivery>();
        services.AddSingleton<EventRouter>();
        services.RemoveAll<IEventPublisher>();
        services.RemoveAll<IGatewayControl>();
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<EventRouter>());
        services.AddSingleton<IGatewayControl>(sp => sp.GetRequiredService<EventRouter>());
        services.AddSingleton<GatewayObserver>();
        services.AddHostedService<GatewayDirectoryService>();
        return services;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
