using Microsoft.Extensions.Options;

namespace Circul.Silo.Gateway;

/// <summary>
/// One loop for every connection: heartbeat pings and timeouts, expiry of detached sessions. On shutdown
/// (<see cref="IHostApplicationLifetime.ApplicationStopping"/>) closes every socket with 4004 and waits briefly.
/// </summary>
internal sealed class GatewayMaintenanceService(
    GatewayRegistry registry, IOptions<GatewayOptions> options, TimeProvider time, IHostApplicationLifetime lifetime,
    ILogger<GatewayMaintenanceService> logger) : BackgroundService
{
    private CancellationTokenRegistration _stopping;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = lifetime.ApplicationStopping.Register(static state => ((GatewayRegistry)state!).BeginShutdown(), registry);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        registry.BeginShutdown();
        // The close timeout covers writing the close frame and hearing the client's; a little more for the rest.
        var wait = TimeSpan.FromMilliseconds(options.Value.CloseTimeoutMs) + TimeSpan.FromSeconds(1);
        await registry.WaitForConnectionsAsync(wait, cancellationToken);
        await base.StopAsync(cancellationToken);
        _stopping.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(registry.TickPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    registry.Tick();
                }
                catch (Exception e)
                {
                    logger.MaintenanceFailed(e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
