using Circul.Grains.Users;
using Circul.Storage;
using Orleans.Runtime;

namespace Circul.Silo.Cluster;

/// <summary>When a silo dies its sockets are gone without a goodbye: one live silo (the active one with the lowest
/// address, so exactly one does the work) finds the dead silo's users in <c>presence_connections</c> and tells each
/// user grain, which takes the user offline (one <c>status_change</c>) if no connection is left anywhere. Runs on every
/// membership change and every half minute (a sweep a dying leader did not finish is redone; the grains ignore a
/// repeat). With localhost clustering, rows of earlier incarnations of this silo (a crash) are cleaned the same way.</summary>
public sealed partial class DeadSiloPresenceService(
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    IPresenceStore presence,
    IGrainFactory grains,
    IServiceProvider services,
    ILogger<DeadSiloPresenceService> logger) : BackgroundService
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _changed = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await (services.GetService<OrleansSiloStarter>()?.Started ?? Task.CompletedTask).WaitAsync(stoppingToken);
        _ = MembershipSignal.ReleaseOnChangeAsync(membership, _changed, e => LogSweepFailed(logger, e), stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, e);
            }

            try
            {
                await _changed.WaitAsync(SweepInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    /// <summary>Whether the silo of a presence row is dead: Orleans declared it dead, or another incarnation (a newer
    /// generation) now holds its endpoint. A silo Orleans does not know yet (just joining) is left alone.</summary>
    public static bool IsDead(string silo, ClusterMembershipSnapshot snapshot)
    {
        SiloAddress address;
        try
        {
            address = SiloAddress.FromParsableString(silo);
        }
        catch (FormatException)
        {
            return true;
        }

        if (snapshot.Members.TryGetValue(address, out var member))
        {
            return member.Status == SiloStatus.Dead;
        }

        return snapshot.Members.Keys.Any(m => m.Endpoint.Equals(address.Endpoint) && m.Generation > address.Generation);
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var snapshot = membership.CurrentSnapshot;
        var leader = snapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress)
            .OrderBy(a => a.ToParsableString(), StringComparer.Ordinal)
            .FirstOrDefault();
        if (leader is null || !leader.Equals(local.SiloAddress))
        {
            return;
        }

        foreach (var silo in await presence.ListSilosAsync(cancellationToken))
        {
            if (silo == local.SiloAddress.ToParsableString() || !IsDead(silo, snapshot))
            {
                continue;
            }

            var users = await presence.ListUsersOnSiloAsync(silo, cancellationToken);
            LogCleaning(logger, silo, users.Count);
            foreach (var chunk in users.Chunk(64))
            {
                await Task.WhenAll(chunk.Select(u => grains.GetGrain<IUserGrain>(u).SiloGoneAsync(silo)));
            }
        }
    }


    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} is dead: taking its {Count} users' connections away")]
    private static partial void LogCleaning(ILogger logger, string silo, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dead-silo presence sweep failed; it runs again at the next membership change or in 30 s")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
