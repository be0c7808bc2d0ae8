using Circul.Storage;
using Orleans;
using Orleans.Runtime;

namespace Circul.Silo.Cluster;

/// <summary>Starts and stops the co-hosted Orleans silo in place of Orleans' own hosted service. With storage reachable
/// at start-up (the usual case) the silo starts before the host serves anything, as Orleans' would; with the database
/// down it starts in the background once storage is ready (cluster membership lives there), so the process stays up,
/// <c>/healthz</c> answers and the API says 503 until then.</summary>
public sealed partial class OrleansSiloStarter(
    Orleans.Runtime.Silo silo,
    IEnumerable<IConfigurationValidator> validators,
    StorageReadiness storage,
    ILogger<OrleansSiloStarter> logger) : IHostedService, IDisposable
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private Task _background = Task.CompletedTask;

    /// <summary>Completes once the Orleans silo has started (grain calls work from then on).</summary>
    public Task Started => _started.Task;

    public bool IsStarted => _started.Task.IsCompletedSuccessfully;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var validator in validators)
        {
            validator.ValidateConfiguration();
        }

        if (storage.IsReady)
        {
            await StartSiloAsync(cancellationToken);
            return;
        }

        LogWaitingForStorage(logger);
        _background = Task.Run(async () =>
        {
            try
            {
                await storage.WaitAsync(_stopping.Token);
                await StartSiloAsync(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                LogStartFailed(logger, e);
                _started.TrySetException(e);
            }
        });
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _background.WaitAsync(cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
        if (IsStarted)
        {
            await silo.StopAsync(cancellationToken);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task StartSiloAsync(CancellationToken cancellationToken)
    {
        await silo.StartAsync(cancellationToken);
        _started.TrySetResult();
        LogStarted(logger);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage is not reachable yet: the Orleans silo starts once it is (the API answers 503 until then)")]
    private static partial void LogWaitingForStorage(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Orleans silo started")]
    private static partial void LogStarted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The Orleans silo could not start")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);
}
