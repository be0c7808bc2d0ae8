using Circul.Grains.Events;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Circul.Silo.Cluster;

/// <summary>Creates this silo's gateway observer once, keeps it (Orleans references observers weakly), registers it in
/// the directory grain every few seconds and whenever Orleans' membership changes, and keeps the
/// <see cref="EventRouter"/>'s links to the other silos' gateways in step with what the directory returns. Registering
/// again is what rebuilds the directory after its grain was deactivated or its silo died.</summary>
public sealed partial class GatewayDirectoryService(
    IGrainFactory grains,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    GatewayObserver observer,
    EventRouter router,
    IServiceProvider services,
    IOptions<ClusterEventOptions> options,
    ILogger<GatewayDirectoryService> logger) : BackgroundService
{
    private readonly SemaphoreSlim _refresh = new(0);
    private IGatewayObserver? _reference;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Hosted by SiloApp, the Orleans silo may start late (storage down at start-up); elsewhere it runs already.
        await (services.GetService<OrleansSiloStarter>()?.Started ?? Task.CompletedTask).WaitAsync(stoppingToken);
        _reference = grains.CreateObjectReference<IGatewayObserver>(observer);
        var directory = grains.GetGrain<IGatewayDirectoryGrain>(0);
        var self = new GatewayRegistration(silo.SiloAddress, _reference);
        _ = WatchMembershipAsync(stoppingToken);
        var interval = TimeSpan.FromMilliseconds(options.Value.DirectoryRefreshMs);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var all = await directory.RegisterAsync(self).WaitAsync(stoppingToken);
                var members = membership.CurrentSnapshot.Members;
                bool IsGone(SiloAddress s) => !members.TryGetValue(s, out var m) || m.Status == SiloStatus.Dead;
                await router.UpdateAsync([.. all.Where(r => !r.Silo.Equals(silo.SiloAddress) && !IsGone(r.Silo))], IsGone);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRefreshFailed(logger, e);
            }

            try
            {
                await _refresh.WaitAsync(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await grains.GetGrain<IGatewayDirectoryGrain>(0).UnregisterAsync(silo.SiloAddress).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception e)
        {
            LogUnregisterFailed(logger, e);
        }

        await router.DisposeAsync();
        if (_reference is not null)
        {
            grains.DeleteObjectReference<IGatewayObserver>(_reference);
        }
    }

    public override void Dispose()
    {
        _refresh.Dispose();
        base.Dispose();
    }

    /// <summary>A silo joining or dying refreshes the links at once instead of at the next period.</summary>
    private async Task WatchMembershipAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var _ in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                _refresh.Release();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            LogRefreshFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the gateway directory; retrying")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not leave the gateway directory (the others prune dead silos)")]
    private static partial void LogUnregisterFailed(ILogger logger, Exception exception);
}
