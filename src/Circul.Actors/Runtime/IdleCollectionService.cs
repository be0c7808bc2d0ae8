using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Circul.Actors.Runtime;

/// <summary>
/// Runs an idle-collection pass every <see cref="ActorRuntimeOptions.CollectionInterval"/> and deactivates
/// every grain when the host stops.
/// </summary>
internal sealed class IdleCollectionService : BackgroundService
{
    private readonly ActorRuntime _runtime;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<IdleCollectionService> _logger;

    public IdleCollectionService(
        ActorRuntime runtime,
        IOptions<ActorRuntimeOptions> options,
        TimeProvider timeProvider,
        ILogger<IdleCollectionService> logger)
    {
        _runtime = runtime;
        _interval = options.Value.CollectionInterval;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    // Hosted services stop in reverse order of registration, so grains registered early (as the runtime
    // usually is) are deactivated after the services that call them have stopped.
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _runtime.DeactivateAllAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await _runtime.CollectIdleAsync().ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    _logger.IdleCollectionFailed(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
