namespace Circul.Storage;

/// <summary>A conditional write found another version in storage than the one the writer last read. The grain storage
/// provider turns it into Orleans' <c>InconsistentStateException</c>; the activation that lost the race is deactivated
/// and the call answers 503 (<c>GrainErrorFilter</c>).</summary>
public sealed class StateConflictException : Exception
{
    public StateConflictException()
        : base("The stored state changed since it was read.")
    {
    }

    public StateConflictException(string message)
        : base(message)
    {
    }

    public StateConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
