using System.Reflection;

namespace Circul.Actors.Runtime;

/// <summary>
/// The reference returned by <see cref="IGrainFactory.GetGrain{TGrainInterface}"/>: each interface call
/// becomes a turn queued on the grain's activation.
/// </summary>
internal class GrainProxy : DispatchProxy
{
    private GrainInterfaceInfo _interface = null!;
    private string _key = null!;

    // The activation this reference last sent to; saves the directory lookup while it stays alive.
    private Activation? _activation;

    // DispatchProxy needs a public parameterless constructor.
    public GrainProxy()
    {
    }

    public override string ToString() => $"{_interface.InterfaceType.Name}/{_key}";

    // Two references to the same grain are equal, as Orleans grain references are.
    public override bool Equals(object? obj) =>
        obj is GrainProxy other && ReferenceEquals(other._interface, _interface) && other._key == _key;

    public override int GetHashCode() => HashCode.Combine(_interface, _key);

    internal void Initialize(GrainInterfaceInfo grainInterface, string key)
    {
        _interface = grainInterface;
        _key = key;
    }

    internal void Send(ITurn turn)
    {
        var activation = _activation;
        if (activation is null || !activation.TryEnqueue(turn))
        {
            _activation = _interface.Runtime.Send(_interface.Class, _key, turn);
        }
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        return _interface.GetInvoker(targetMethod).Invoke(this, args);
    }
}
