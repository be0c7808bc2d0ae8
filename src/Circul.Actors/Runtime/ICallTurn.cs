namespace Circul.Actors.Runtime;

/// <summary>A grain method call waiting in a mailbox; it is its own completion source.</summary>
internal interface ICallTurn : ITurn
{
    /// <summary>Calls the grain method and returns the task it returned.</summary>
    Task Invoke(Grain grain);

    /// <summary>Completes the caller's task like <paramref name="completedTask"/> (result, exception or cancellation).</summary>
    void Complete(Task completedTask);
}
