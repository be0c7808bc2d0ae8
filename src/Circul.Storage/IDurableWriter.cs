namespace Circul.Storage;

/// <summary>The per-silo writer: gathers the writes that arrive within a millisecond or two (up to a few hundred),
/// commits them in one transaction, then runs each write's <c>afterCommit</c> callback in submission order (that is
/// where events are published, so events follow commit order), and only then completes the returned tasks. If a batch
/// fails, its writes are retried one by one so that one bad write fails only its own caller.</summary>
public interface IDurableWriter
{
    /// <summary>Completes when <paramref name="op"/> is durable (committed); faults if it could not be written.</summary>
    Task SubmitAsync(WriteOp op, Action? afterCommit = null);
}
