namespace Circul.Actors;

/// <summary>
/// A conditional write found another version in storage than the one the grain last read.
/// When a turn throws it, the runtime reloads the grain's state and runs the call once more.
/// </summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException()
        : base("The stored state changed since it was read.")
    {
    }

    public InconsistentStateException(string message)
        : base(message)
    {
    }

    public InconsistentStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    // Set once a turn was retried and conflicted again, so that a caller grain which receives this
    // exception from its callee does not retry its own turn for a conflict that is not its own.
    internal bool IsRetryExhausted { get; set; }
}
