using Circul.Grains;
using Circul.Storage;

namespace Circul.Silo.Observability;

/// <summary>Registers this silo in storage at start-up (its number goes into message ids) and keeps its heartbeat.</summary>
public sealed partial class SiloRegistration(IStorageHealth storage, SnowflakeIdGenerator ids, ILogger<SiloRegistration> logger) : BackgroundService
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    public int SiloNumber { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        SiloNumber = await storage.RegisterSiloAsync(Environment.MachineName + ":" + Environment.ProcessId, cancellationToken);
        ids.SiloNumber = SiloNumber;
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await storage.HeartbeatSiloAsync(SiloNumber, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogHeartbeatFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo heartbeat failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);
}
