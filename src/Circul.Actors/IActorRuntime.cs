namespace Circul.Actors;

/// <summary>The in-process virtual-actor runtime: activations, turns and idle collection.</summary>
public interface IActorRuntime : IGrainFactory
{
    /// <summary>Activations currently alive (activated and not yet deactivated).</summary>
    int ActivationCount { get; }

    /// <summary>Activations that completed <see cref="Grain.OnActivateAsync"/> since start.</summary>
    long TotalActivations { get; }

    /// <summary>
    /// Deactivates the grain's activation, if any, after the calls already queued on it; the next call
    /// activates it again from storage. Use it to drop an activation whose state is known to be stale.
    /// </summary>
    Task DeactivateAsync<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;

    /// <summary>
    /// Runs one idle-collection pass now and completes when the idle activations it found are deactivated.
    /// The hosted service runs one every <see cref="ActorRuntimeOptions.CollectionInterval"/>.
    /// </summary>
    Task CollectIdleAsync();

    /// <summary>Deactivates every activation (after the calls already queued on it), for shutdown.</summary>
    Task DeactivateAllAsync(CancellationToken cancellationToken);
}
