using System.Net;
using System.Net.Sockets;
using Circul.Grains.Events;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Circul.Storage;
using Orleans.Configuration;

namespace Circul.Silo.Cluster;

/// <summary>The co-hosted Orleans silo and the per-silo event path (local delivery, links to other silos' gateways, the
/// directory registration).</summary>
public static class OrleansHosting
{
    public const string LocalhostClustering = "localhost";
    public const string AdoNetClustering = "adonet";

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
        var storage = configuration.GetSection(StorageServiceCollectionExtensions.ConfigurationSection).Get<StorageOptions>() ?? new StorageOptions();
        var clustering = (options.Clustering
            ?? (string.Equals(storage.Provider, "postgres", StringComparison.OrdinalIgnoreCase) ? AdoNetClustering : LocalhostClustering)).ToLowerInvariant();
        if (clustering is not (AdoNetClustering or LocalhostClustering))
        {
            throw new InvalidOperationException("Circul:Orleans:Clustering must be 'localhost' or 'adonet'.");
        }

        if (clustering == AdoNetClustering && !string.Equals(storage.Provider, "postgres", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("Circul:Orleans:Clustering 'adonet' needs Circul:Storage:Provider 'postgres' (membership is kept there).");
        }

        builder.UseOrleans(silo =>
        {
            if (clustering == AdoNetClustering)
            {
                silo.UseAdoNetClustering(adoNet =>
                {
                    adoNet.Invariant = "Npgsql";
                    adoNet.ConnectionString = storage.ConnectionString;
                });
                silo.Configure<EndpointOptions>(endpoints =>
                {
                    endpoints.AdvertisedIPAddress = IPAddress.Parse(options.AdvertisedAddress);
                    endpoints.SiloPort = siloPort;
                    endpoints.GatewayPort = gatewayPort;
                });
                silo.Configure<ClusterOptions>(cluster =>
                {
                    cluster.ClusterId = options.ClusterId;
                    cluster.ServiceId = options.ServiceId;
                });
                silo.Configure<ClusterMembershipOptions>(membership =>
                {
                    membership.ProbeTimeout = TimeSpan.FromMilliseconds(options.ProbeTimeoutMs);
                    membership.NumMissedProbesLimit = options.MissedProbesLimit;
                    membership.DefunctSiloExpiration = TimeSpan.FromMinutes(options.DefunctSiloExpirationMinutes);
                    membership.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(Math.Max(1, Math.Min(10, options.DefunctSiloExpirationMinutes)));
                });
            }
            else
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            }

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

        // Orleans' own hosted service starts the silo unconditionally; ours waits for storage when it is down.
        var services = builder.Services;
        var orleansStart = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "SiloHostedService");
        services[services.IndexOf(orleansStart)] = ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<OrleansSiloStarter>());
        services.AddSingleton<OrleansSiloStarter>();

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
        services.AddSingleton<GatewayDirectoryService>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayDirectoryService>());
        services.AddHostedService<DeadSiloPresenceService>();
        return services;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
