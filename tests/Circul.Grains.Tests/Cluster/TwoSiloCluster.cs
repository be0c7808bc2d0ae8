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
        Cluster = await CirculTestCluster.DeployAsync(2, Path.Combine(_directory, "cluster.db"));
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
