using Circul.Contracts;
using Circul.Grains.Accounts;
using Circul.Grains.Users;
using Circul.Silo.Cluster;
using Circul.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Circul.Grains.Tests.Cluster;

/// <summary>A silo dies with users connected to it: a live silo takes those who have no connection left offline, once,
/// whether their user grain lived on the dead silo or not.</summary>
public sealed class DeadSiloPresenceTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "circul-grain-tests", Guid.NewGuid().ToString("N"));
    private InProcessTestCluster _cluster = null!;

    private IServiceProvider Services(int silo) => _cluster.Silos[silo].ServiceProvider;

    [Fact]
    public async Task UsersConnectedOnlyToADeadSilo_GoOfflineOnce_AndThoseConnectedElsewhereStayOnline()
    {
        var grains = Services(0).GetRequiredService<IGrainFactory>();
        var accounts = Services(0).GetRequiredService<AccountService>();
        var owner = await accounts.RegisterAsync("u" + Guid.NewGuid().ToString("N")[..12], "correct horse");
        var localGrainBot = (await accounts.CreateAppAsync(owner.User.Id, "local", "", [])).App.Id;
        var movedGrainBot = (await accounts.CreateAppAsync(owner.User.Id, "moved", "", [])).App.Id;
        var twoSiloBot = (await accounts.CreateAppAsync(owner.User.Id, "both", "", [])).App.Id;
        var watcher = (RecordingSessions)Services(0).GetRequiredService<ILocalSessions>();
        watcher.Connect(owner.User.Id);

        var survivor = _cluster.Silos[0].SiloAddress.ToParsableString();
        var doomed = _cluster.Silos[1].SiloAddress.ToParsableString();
        await PlaceAsync(grains.GetGrain<IUserGrain>(localGrainBot), 0);
        await PlaceAsync(grains.GetGrain<IUserGrain>(movedGrainBot), 1);
        foreach (var bot in new[] { localGrainBot, movedGrainBot, twoSiloBot })
        {
            await grains.GetGrain<IUserGrain>(bot).ConnectedAsync(doomed);
        }

        await grains.GetGrain<IUserGrain>(twoSiloBot).ConnectedAsync(survivor);
        await watcher.WaitForAsync(owner.User.Id, events => StatusEvents(events, "online").Count == 3, "three bots coming online");

        await _cluster.KillSiloAsync(_cluster.Silos[1]);

        var events = await watcher.WaitForAsync(owner.User.Id, e => StatusEvents(e, "offline").Count >= 2, "the two bots of the dead silo going offline");
        await Task.Delay(TimeSpan.FromSeconds(2)); // a second sweep (membership changes again as the dead silo is confirmed) must change nothing
        events = watcher.EventsOf(owner.User.Id);
        Assert.Equal(new[] { localGrainBot, movedGrainBot }.Order(), StatusEvents(events, "offline").Order());
        Assert.Equal("online", (await grains.GetGrain<IUserGrain>(twoSiloBot).GetAsync())!.Status);
        Assert.Equal("offline", (await grains.GetGrain<IUserGrain>(movedGrainBot).GetAsync())!.Status);
        Assert.Empty(await Services(0).GetRequiredService<IPresenceStore>().ListUsersOnSiloAsync(doomed));
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _cluster = await CirculTestCluster.DeployAsync(2, Path.Combine(_directory, "dead.db"), silo => silo.Configure<ClusterMembershipOptions>(membership =>
        {
            // Failure detection as the product configures it (Circul:Orleans:ProbeTimeoutMs 1000, 3 missed probes).
            membership.ProbeTimeout = TimeSpan.FromSeconds(1);
            membership.NumMissedProbesLimit = 3;
            membership.NumVotesForDeathDeclaration = 1;
        }));
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static List<string> StatusEvents(IReadOnlyList<RecordedEvent> events, string status) =>
        [.. events.Where(e => e.Type == EventTypes.StatusChange && e.Payload.GetProperty("status").GetString() == status)
            .Select(e => e.Payload.GetProperty("user_id").GetString()!)];

    private async Task PlaceAsync(IAddressable grain, int silo)
    {
        var management = Services(0).GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        await ((IUserGrain)grain).GetAsync();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var address = await management.GetActivationAddress(grain);
            if (_cluster.Silos[silo].SiloAddress.Equals(address))
            {
                return;
            }

            await _cluster.MigrateAsync(grain, _cluster.Silos[silo].SiloAddress);
            await Task.Delay(100);
        }

        Assert.Fail($"could not place {grain} on silo {silo}");
    }
}
