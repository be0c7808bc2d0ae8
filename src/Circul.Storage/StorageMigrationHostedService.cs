using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Circul.Storage;

/// <summary>Runs <see cref="StorageMigrator"/> at start-up, before any other hosted service starts
/// (<see cref="StorageServiceCollectionExtensions.AddCirculStorage"/> registers it first), then marks
/// <see cref="StorageReadiness"/>.</summary>
/// <remarks>A database that is down at start-up must not kill the process: the migration is retried in the background
/// (<see cref="StorageRetry"/>: 1 s doubling to 30 s, one Warning line per failed attempt naming the configuration key
/// and the host:port, never the password) and the host starts anyway, so <c>/healthz</c> answers and <c>/readyz</c>
/// says 503 until the database is reached. Start-up waits for the first attempt only (at most
/// <see cref="FirstAttemptWait"/>), so a reachable database is migrated before anything else starts.</remarks>
internal sealed class StorageMigrationHostedService(
    StorageMigrator migrator,
    StorageReadiness readiness,
    SqlDialect dialect,
    TimeProvider time,
    ILogger<StorageMigrationHostedService>? logger = null) : IHostedService, IDisposable
{
    internal static readonly TimeSpan FirstAttemptWait = TimeSpan.FromSeconds(5);

    private readonly ILogger _logger = logger ?? NullLogger<StorageMigrationHostedService>.Instance;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var firstAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop = MigrateUntilReadyAsync(firstAttempt, _stopping.Token);
        await Task.WhenAny(firstAttempt.Task, Task.Delay(FirstAttemptWait, time, cancellationToken)).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task MigrateUntilReadyAsync(TaskCompletionSource firstAttempt, CancellationToken stoppingToken)
    {
        var failures = 0;
        try
        {
            await StorageRetry.RunAsync(
                migrator.MigrateAsync,
                time,
                (attempt, exception, delay) =>
                {
                    failures = attempt;
                    _logger.StorageUnavailable(
                        dialect.Name, dialect.Target, StorageServiceCollectionExtensions.ConnectionStringKey,
                        StorageRetry.Describe(exception, dialect.Password), attempt, delay.TotalSeconds);
                    firstAttempt.TrySetResult();
                },
                stoppingToken).ConfigureAwait(false);
            readiness.MarkReady();
            if (failures > 0)
            {
                _logger.StorageReadyAfterRetries(dialect.Name, dialect.Target, failures + 1);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped before the database was reached.
        }
        finally
        {
            firstAttempt.TrySetResult();
        }
    }
}
