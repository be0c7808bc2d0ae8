using Circul.Silo.Cluster;
using Circul.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Circul.Grains.Tests.Cluster;

/// <summary>Silos in this process (Microsoft.Orleans.TestingHost) on one SQLite file, each with the real storage,
/// grains and per-silo event path, and <see cref="RecordingSessions"/> in place of sockets.</summary>
public static class CirculTestCluster
{
    public static async Task<InProcessTestCluster> DeployAsync(
        short silos, string databasePath, Action<ISiloBuilder>? configureSilo = null, Action<IServiceCollection>? configureServices = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Circul:Storage:Provider"] = "sqlite",
            ["Circul:Storage:ConnectionString"] = $"Data Source={databasePath}",
            ["Circul:Cluster:DirectoryRefreshMs"] = "300",
        };

        // Migrate once, before several silos start on the same file.
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await using (var migration = new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging().AddCirculStorage().BuildServiceProvider())
        {
            await migration.GetRequiredService<StorageMigrator>().MigrateAsync();
        }

        var builder = new InProcessTestClusterBuilder(silos);
        if (configureSilo is not null)
        {
            builder.ConfigureSilo((_, silo) => configureSilo(silo));
        }

        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.Services.AddSingleton<ILocalSessions, RecordingSessions>();
            configureServices?.Invoke(host.Services);
            host.Services.AddCirculStorage();
            host.Services.AddCirculGrains();
            host.Services.AddCirculEventRouting();
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();

        // Distinct silo numbers in message ids, as each silo takes its own from storage in production.
        for (var i = 0; i < cluster.Silos.Count; i++)
        {
            cluster.Silos[i].ServiceProvider.GetRequiredService<SnowflakeIdGenerator>().SiloNumber = i + 1;
        }

        // Each silo's router learns the others' gateway observers from the directory.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (cluster.Silos.Any(s => s.ServiceProvider.GetRequiredService<EventRouter>().Links.Count != cluster.Silos.Count - 1))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the silos did not find each other's gateway observers within 20 s");
            }

            await Task.Delay(50);
        }

        return cluster;
    }
}
