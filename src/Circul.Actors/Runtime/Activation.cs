namespace Circul.Actors.Runtime;

/// <summary>
/// The mailbox of one grain key: a lock-protected queue drained on the thread pool, one turn at a time,
/// in arrival order. It owns the grain instance: it activates one before a call when there is none, and
/// drops it on deactivation; calls queued behind a deactivation run on a fresh instance. The mailbox
/// leaves the directory once it has neither a live grain nor queued turns, and accepts nothing after that,
/// so there is never more than one live mailbox per key.
/// </summary>
internal sealed class Activation : IThreadPoolWorkItem
{
    // Turns run per scheduling before the drain yields its pool thread, so that a grain flooded with
    // calls that complete synchronously cannot hold a thread forever.
    private const int MaxTurnsPerDrain = 64;

    private readonly Lock _lock = new();
    private readonly Queue<ITurn> _queue = new();
    private readonly ActorRuntime _runtime;
    private readonly GrainClassInfo _class;

    // Guarded by _lock. _running: a drain is scheduled or executing. _removed: out of the directory.
    private bool _running;
    private bool _removed;

    // Owned by the drain.
    private Grain? _grain;

    // Set under _lock when a turn is dequeued; cleared (after _lastActivity is stamped) as the turn ends,
    // before its caller is completed, so that a caller that saw its result also sees the mailbox idle.
    // The collector reads both under _lock; they only steer the idle decision, since the deactivation it
    // queues is ordered with the calls like any turn.
    private volatile bool _inTurn;
    private long _lastActivity;

    public Activation(ActorRuntime runtime, GrainClassInfo grainClass, string key)
    {
        _runtime = runtime;
        _class = grainClass;
        Key = key;
        _lastActivity = runtime.TimeProvider.GetTimestamp();
    }

    public string Key { get; }

    /// <summary>Queues a turn; <see langword="false"/> if this mailbox is retired (use a fresh one).</summary>
    public bool TryEnqueue(ITurn turn)
    {
        lock (_lock)
        {
            if (_removed)
            {
                return false;
            }

            _queue.Enqueue(turn);
            if (_running)
            {
                return true;
            }

            _running = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return true;
    }

    /// <summary>Queues a deactivation if no call ran for <paramref name="idleTimeout"/> and none is queued.</summary>
    public Task? TryCollectIfIdle(TimeSpan idleTimeout)
    {
        DeactivationTurn turn;
        lock (_lock)
        {
            if (_removed || _inTurn || _queue.Count > 0 || (_grain?.IsKeptAlive ?? false)
                || _runtime.TimeProvider.GetElapsedTime(Interlocked.Read(ref _lastActivity)) < idleTimeout)
            {
                return null;
            }

            turn = new DeactivationTurn(onlyIfIdle: true, CancellationToken.None);
            _queue.Enqueue(turn);
            if (_running)
            {
                return turn.Task;
            }

            _running = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return turn.Task;
    }

    /// <summary>Deactivates after the turns already queued; completes at once if this mailbox is retired.</summary>
    public Task DeactivateAsync(CancellationToken cancellationToken)
    {
        var turn = new DeactivationTurn(onlyIfIdle: false, cancellationToken);
        return TryEnqueue(turn) ? turn.Task : Task.CompletedTask;
    }

    void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

    // Never throws: every failure is handed to the turn it belongs to.
    private async Task DrainAsync()
    {
        for (var turns = 0; turns < MaxTurnsPerDrain; turns++)
        {
            ITurn? turn;
            var retire = false;
            lock (_lock)
            {
                if (_queue.TryDequeue(out turn))
                {
                    _inTurn = true;
                }
                else
                {
                    _running = false;
                    retire = _removed = _grain is null;
                }
            }

            if (turn is null)
            {
                if (retire)
                {
                    _class.Activations.TryRemove(new KeyValuePair<string, Activation>(Key, this));
                }

                return;
            }

            try
            {
                if (turn is ICallTurn call)
                {
                    var grain = _grain ?? await ActivateAsync(call).ConfigureAwait(false);
                    if (grain is not null)
                    {
                        var task = call.Invoke(grain);
                        await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                        if (IsFirstConflict(task))
                        {
                            task = await RetryAfterConflictAsync(call, grain).ConfigureAwait(false);
                        }

                        if (task is not null)
                        {
                            EndTurn();
                            call.Complete(task);
                        }

                        if (grain.IsDeactivationRequested)
                        {
                            await DeactivateGrainAsync(CancellationToken.None).ConfigureAwait(false);
                        }
                    }
                }
                else
                {
                    var deactivation = (DeactivationTurn)turn;
                    if (!deactivation.OnlyIfIdle || (!HasQueuedTurns() && !(_grain?.IsKeptAlive ?? false)))
                    {
                        await DeactivateGrainAsync(deactivation.CancellationToken).ConfigureAwait(false);
                    }

                    EndTurn();
                    deactivation.TrySetResult();
                }
            }
            catch (Exception exception)
            {
                // Only a bug in the runtime gets here: fail the turn rather than stall the mailbox.
                _runtime.Logger.TurnFailedUnexpectedly(exception, _class.GrainTypeName, Key);
                EndTurn();
                turn.Fail(exception);
            }

            EndTurn();
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private static bool IsFirstConflict(Task task) =>
        task.IsFaulted && task.Exception?.InnerException is InconsistentStateException { IsRetryExhausted: false };

    // Reloads the state and runs the call once more. Returns the second attempt's task, or null when the
    // reload failed (the call is then failed with the reload's exception).
    private async Task<Task?> RetryAfterConflictAsync(ICallTurn call, Grain grain)
    {
        if (!await TryReloadAfterConflictAsync(grain, call).ConfigureAwait(false))
        {
            return null;
        }

        var task = call.Invoke(grain);
        await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (IsFirstConflict(task))
        {
            ((InconsistentStateException)task.Exception!.InnerException!).IsRetryExhausted = true;

            // The attempt lost the race again; reload so that the next call does not start from its changes.
            await TryReloadAfterConflictAsync(grain, call: null).ConfigureAwait(false);
        }

        return task;
    }

    private async Task<bool> TryReloadAfterConflictAsync(Grain grain, ICallTurn? call)
    {
        try
        {
            await grain.HandleStateConflictAsync().ConfigureAwait(false);
            return true;
        }
        catch (Exception exception)
        {
            // The grain holds state that lost a race and could not be refreshed: drop the instance, so the
            // next call activates a fresh one from storage.
            _runtime.Logger.ReloadAfterConflictFailed(exception, _class.GrainTypeName, Key);
            await DeactivateGrainAsync(CancellationToken.None).ConfigureAwait(false);
            if (call is not null)
            {
                EndTurn();
                call.Fail(exception);
            }

            return false;
        }
    }

    private void EndTurn()
    {
        if (_inTurn)
        {
            Interlocked.Exchange(ref _lastActivity, _runtime.TimeProvider.GetTimestamp());
            _inTurn = false;
        }
    }

    private bool HasQueuedTurns()
    {
        lock (_lock)
        {
            return _queue.Count > 0;
        }
    }

    // Returns the new grain, or null after failing the call with the activation's exception; the next
    // call tries again with a new instance.
    private async Task<Grain?> ActivateAsync(ICallTurn call)
    {
        Grain? grain = null;
        try
        {
            grain = _class.CreateGrain(_runtime.Services);
            grain.Bind(Key, _class.GrainTypeName, _runtime, _runtime.TimeProvider);
            await grain.LoadStateAsync(_runtime).ConfigureAwait(false);
            await grain.OnActivateAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _runtime.Logger.ActivationFailed(exception, _class.GrainTypeName, Key);
            if (grain is not null)
            {
                await DisposeAsync(grain).ConfigureAwait(false);
            }

            EndTurn();
            call.Fail(exception);
            return null;
        }

        _grain = grain;
        _runtime.OnActivated();
        _runtime.Logger.Activated(_class.GrainTypeName, Key);
        return grain;
    }

    private async Task DeactivateGrainAsync(CancellationToken cancellationToken)
    {
        var grain = _grain;
        if (grain is null)
        {
            return;
        }

        _grain = null;
        try
        {
            await grain.OnDeactivateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _runtime.Logger.DeactivationFailed(exception, _class.GrainTypeName, Key);
        }

        await DisposeAsync(grain).ConfigureAwait(false);
        _runtime.OnDeactivated();
        _runtime.Logger.Deactivated(_class.GrainTypeName, Key);
    }

    private async Task DisposeAsync(Grain grain)
    {
        try
        {
            switch (grain)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
        catch (Exception exception)
        {
            _runtime.Logger.DeactivationFailed(exception, _class.GrainTypeName, Key);
        }
    }
}
