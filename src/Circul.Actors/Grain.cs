using Circul.Actors.Runtime;

namespace Circul.Actors;

/// <summary>
/// Base class of grain implementations. The runtime creates one instance per activation (with constructor
/// injection from the root service provider) and runs its calls one at a time, each to completion
/// including its awaits.
/// </summary>
/// <remarks>
/// Turns are not reentrant: while a turn awaits a call to another grain, this grain serves nothing else.
/// A call cycle (A calls B and B calls A, directly or further down) therefore deadlocks, as in Orleans
/// without reentrancy. Calls between grains must flow one way.
/// </remarks>
public abstract class Grain
{
    private bool _keepAlive;
    private IGrainFactory? _grainFactory;
    private TimeProvider? _timeProvider;

    /// <summary>The grain's key; set by the runtime before <see cref="OnActivateAsync"/>.</summary>
    public string GrainKey { get; private set; } = string.Empty;

    /// <summary>Factory for references to other grains; available from <see cref="OnActivateAsync"/> on, not in the constructor.</summary>
    protected IGrainFactory GrainFactory => _grainFactory ?? throw NotActivated();

    /// <summary>The runtime's clock; available from <see cref="OnActivateAsync"/> on, not in the constructor.</summary>
    protected TimeProvider TimeProvider => _timeProvider ?? throw NotActivated();

    internal string GrainTypeName { get; private set; } = string.Empty;

    internal bool IsDeactivationRequested { get; private set; }

    /// <summary>Runs as the activation's first turn, after the persisted state (if any) was read.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs as the activation's last turn. Exceptions are logged and ignored.</summary>
    public virtual Task OnDeactivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation right after the current turn; later calls go to a fresh activation.</summary>
    protected void DeactivateOnIdle() => IsDeactivationRequested = true;

    /// <summary>While true, idle collection leaves this activation alone however long it goes without a call (as
    /// Orleans' <c>DelayDeactivation</c>): for grains whose in-memory state must outlive quiet periods, such as a
    /// user's count of open connections. Explicit deactivation still happens.</summary>
    protected bool KeepAlive
    {
        get => Volatile.Read(ref _keepAlive);
        set => Volatile.Write(ref _keepAlive, value);
    }

    internal bool IsKeptAlive => Volatile.Read(ref _keepAlive);

    /// <summary>
    /// Called when a turn threw <see cref="InconsistentStateException"/>, after the state of a
    /// <see cref="Grain{TState}"/> was re-read and before the call runs once more; and again if the second
    /// attempt conflicted too (the exception then goes to the caller), so that the activation never keeps
    /// changes that lost the race. Grains that keep state in their own stores reload it here. If this throws,
    /// the activation is dropped and the next call activates a fresh one.
    /// </summary>
    protected virtual Task OnStateConflictAsync() => Task.CompletedTask;

    internal void Bind(string grainKey, string grainTypeName, IGrainFactory grainFactory, TimeProvider timeProvider)
    {
        GrainKey = grainKey;
        GrainTypeName = grainTypeName;
        _grainFactory = grainFactory;
        _timeProvider = timeProvider;
    }

    internal virtual Task LoadStateAsync(ActorRuntime runtime) => Task.CompletedTask;

    internal virtual Task ReloadStateAsync() => Task.CompletedTask;

    internal async Task HandleStateConflictAsync()
    {
        await ReloadStateAsync().ConfigureAwait(false);
        await OnStateConflictAsync().ConfigureAwait(false);
    }

    private static InvalidOperationException NotActivated() =>
        new("The grain is not activated yet: runtime services are available from OnActivateAsync on, not in the constructor.");
}
