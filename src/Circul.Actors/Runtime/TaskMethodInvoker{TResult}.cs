namespace Circul.Actors.Runtime;

internal sealed class TaskMethodInvoker<TResult> : GrainMethodInvoker
{
    private readonly Func<object, object?[]?, Task> _call;

    public TaskMethodInvoker(Func<object, object?[]?, Task> call) => _call = call;

    public override Task Invoke(GrainProxy proxy, object?[]? arguments)
    {
        var turn = new CallTurn<TResult>(_call, arguments);
        proxy.Send(turn);
        return turn.Task;
    }
}
