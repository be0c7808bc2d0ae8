using Circul.Grains.Accounts;
using Circul.Silo.Cluster;
using Circul.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Circul.Grains.Tests.Cluster;

/// <summary>Two Orleans silos in this process (Microsoft.Orleans.TestingHost) sharing one SQLite file, each with the real
/// storage, grains and per-silo event path, and <see cref="RecordingSessions"/> in place of sockets.</summary>
public sealed class TwoSiloCluster : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "circul-grain-tests", Guid.NewGuid().ToString("N"));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IServiceProvider Services(int silo) => Cluster.Silos[silo].ServiceProvider;

    public SiloAddress Address(int silo) => Cluster.Silos[silo].SiloAddress;

    public RecordingSessions Sessions(int silo) => (RecordingSessions)Services(silo).GetRequiredService<ILocalSessions>();

    public IGrainFactory Grains(int silo) => Services(silo).GetRequiredService<IGrainFactory>();

    public AccountService Accounts => Services(0).GetRequiredService<AccountService>();

    /// <summary>Index of the silo hosting the grain's activation.</summary>
    public async Task<int> SiloOfAsync(IAddressable grain)
    {
        var address = await Grains(0).GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        return Cluster.Silos.ToList().FindIndex(s => s.SiloAddress.Equals(address));
    }

    /// <summary>Moves the grain's activation to <paramref name="silo"/> (it reloads its state from storage there).</summary>
    public async Task PlaceOnAsync(IAddressable grain, int silo)
    {
        for (var attempt = 0; attempt < 20 && await SiloOfAsync(grain) != silo; attempt++)
        {
            await Cluster.MigrateAsync(grain, Address(silo));
            await Task.Delay(100);
        }

        Assert.Equal(silo, await SiloOfAsync(grain));
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var settings = new Dictionary<string, string?>
        {
            ["Circul:Storage:Provider"] = "sqlite",
            ["Circul:Storage:ConnectionString"] = $"Data Source={Path.Combine(_directory, "cluster.db")}",
            ["Circul:Cluster:DirectoryRefreshMs"] = "300",
        };

        // Migrate once, before two silos start on the same file.
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await using (var migration = new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging().AddCirculStorage().BuildServiceProvider())
        {
            await migration.GetRequiredService<StorageMigrator>().MigrateAsync();
        }

        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.Services.AddSingleton<ILocalSessions, RecordingSessions>();
            host.Services.AddCirculStorage();
            host.Services.AddCirculGrains();
            host.Services.AddCirculEventRouting();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();

        // Distinct silo numbers in message ids, as each silo takes its own from storage in production.
        for (var i = 0; i < Cluster.Silos.Count; i++)
        {
            Services(i).GetRequiredService<SnowflakeIdGenerator>().SiloNumber = i + 1;
        }

        // Each silo's router learns the other's gateway observer from the directory.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (Enumerable.Range(0, Cluster.Silos.Count).Any(i => Services(i).GetRequiredService<EventRouter>().Links.Count != Cluster.Silos.Count - 1))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the silos did not find each other's gateway observers within 20 s");
            }

            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
