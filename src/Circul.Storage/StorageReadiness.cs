namespace Circul.Storage;

/// <summary>Whether the schema has been migrated, i.e. the stores can be used. Until then the process stays up but
/// answers only what does not need the database (<c>/healthz</c>); see <see cref="StorageMigrationHostedService"/>.</summary>
public sealed class StorageReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Completes once the storage is ready.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    internal void MarkReady() => _ready.TrySetResult();
}
