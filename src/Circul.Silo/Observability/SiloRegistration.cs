using Circul.Grains;
using Circul.Storage;

namespace Circul.Silo.Observability;

/// <summary>Registers this silo in storage (its number goes into message ids) and keeps its heartbeat. While the
/// database is unreachable it waits (and retries) instead of failing start-up; until <see cref="IsRegistered"/> the
/// silo answers requests that need storage with 503 (<see cref="StorageGate"/>).</summary>
public sealed partial class SiloRegistration(
    IStorageHealth storage,
    StorageReadiness readiness,
    SnowflakeIdGenerator ids,
    TimeProvider time,
    ILogger<SiloRegistration> logger) : BackgroundService
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    private readonly string _address = Environment.MachineName + ":" + Environment.ProcessId;
    private volatile bool _registered;

    public int SiloNumber { get; private set; }

    /// <summary>True once storage is migrated and this silo holds its number: the silo can serve the API.</summary>
    public bool IsRegistered => _registered;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The usual case, storage already migrated: register before the host starts serving.
        if (readiness.IsReady)
        {
            try
            {
                Register(await storage.RegisterSiloAsync(_address, cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // ExecuteAsync retries, and logs each failed attempt.
            }
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_registered)
        {
            await readiness.WaitAsync(stoppingToken).ConfigureAwait(false);
            Register(await StorageRetry.RunAsync(
                ct => storage.RegisterSiloAsync(_address, ct),
                time,
                (attempt, e, delay) => LogRegistrationFailed(logger, StorageRetry.Describe(e, null), attempt, delay.TotalSeconds),
                stoppingToken).ConfigureAwait(false));
        }

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

    private void Register(int number)
    {
        SiloNumber = number;
        ids.SiloNumber = number;
        _registered = true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo heartbeat failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo registration failed: {Reason}. Attempt {Attempt}; next in {DelaySeconds} s")]
    private static partial void LogRegistrationFailed(ILogger logger, string reason, int attempt, double delaySeconds);
}
