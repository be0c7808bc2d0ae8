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
    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once this silo's gateway is in the directory and it has links to the silos listed there: from
    /// then on its sockets receive events from every silo (the silo reports ready only then).</summary>
    public bool IsRegistered => _registered.Task.IsCompleted;
    private IGatewayObserver? _reference;

    /// <summary>With the Orleans silo already running (the usual start-up), registers before the host serves anything,
    /// so that the silo is ready as soon as it listens; otherwise the loop registers once Orleans has started.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<OrleansSiloStarter>() is not { IsStarted: false })
        {
            try
            {
                await RefreshAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(logger, e);
            }
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Hosted by SiloApp, the Orleans silo may start late (storage down at start-up); elsewhere it runs already.
        await (services.GetService<OrleansSiloStarter>()?.Started ?? Task.CompletedTask).WaitAsync(stoppingToken);
        _ = MembershipSignal.ReleaseOnChangeAsync(membership, _refresh, e => LogRefreshFailed(logger, e), stoppingToken);
        var interval = TimeSpan.FromMilliseconds(options.Value.DirectoryRefreshMs);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (IsRegistered)
            {
                try
                {
                    await _refresh.WaitAsync(interval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRefreshFailed(logger, e);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, options.Value.DirectoryRefreshMs)), stoppingToken);
            }
        }
    }

    /// <summary>Registers this silo's gateway (creating its observer reference once) and brings the links in line with
    /// the directory's answer.</summary>
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        _reference ??= grains.CreateObjectReference<IGatewayObserver>(observer);
        var all = await grains.GetGrain<IGatewayDirectoryGrain>(0).RegisterAsync(new GatewayRegistration(silo.SiloAddress, _reference))
            .WaitAsync(cancellationToken);
        var members = membership.CurrentSnapshot.Members;
        bool IsGone(SiloAddress s) => !members.TryGetValue(s, out var m) || m.Status == SiloStatus.Dead;
        await router.UpdateAsync([.. all.Where(r => !r.Silo.Equals(silo.SiloAddress) && !IsGone(r.Silo))], IsGone);
        _registered.TrySetResult();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the gateway directory; retrying")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not leave the gateway directory (the others prune dead silos)")]
    private static partial void LogUnregisterFailed(ILogger logger, Exception exception);
}
