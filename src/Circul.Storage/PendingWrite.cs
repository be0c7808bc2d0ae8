namespace Circul.Storage;

/// <summary>A write queued in <see cref="BatchingDurableWriter"/> with its callback and its caller's task.</summary>
internal sealed class PendingWrite(WriteOp op, Action? afterCommit)
{
    public WriteOp Op { get; } = op;

    public Action? AfterCommit { get; } = afterCommit;

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
