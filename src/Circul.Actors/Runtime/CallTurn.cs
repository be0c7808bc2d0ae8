namespace Circul.Actors.Runtime;

/// <summary>A call to a grain method returning <see cref="Task"/>.</summary>
internal sealed class CallTurn : TaskCompletionSource, ICallTurn
{
    private readonly Func<object, object?[]?, Task> _method;
    private readonly object?[]? _arguments;

    public CallTurn(Func<object, object?[]?, Task> method, object?[]? arguments)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _method = method;
        _arguments = arguments;
    }

    public Task Invoke(Grain grain) => _method(grain, _arguments);

    public void Complete(Task completedTask) => TrySetFromTask(completedTask);

    public void Fail(Exception exception) => TrySetException(exception);
}
