namespace Circul.Actors.Runtime;

/// <summary>Deactivates the grain instance of an activation, in turn with its calls.</summary>
internal sealed class DeactivationTurn : TaskCompletionSource, ITurn
{
    public DeactivationTurn(bool onlyIfIdle, CancellationToken cancellationToken)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        OnlyIfIdle = onlyIfIdle;
        CancellationToken = cancellationToken;
    }

    /// <summary>Idle collection: skip the deactivation if calls arrived after this turn was queued.</summary>
    public bool OnlyIfIdle { get; }

    public CancellationToken CancellationToken { get; }

    public void Fail(Exception exception) => TrySetException(exception);
}
