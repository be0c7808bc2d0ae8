using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Circul.Actors.Runtime;

/// <summary>The in-process virtual-actor runtime. See <see cref="IActorRuntime"/>.</summary>
internal sealed class ActorRuntime : IActorRuntime
{
    private readonly FrozenDictionary<Type, GrainInterfaceInfo> _interfaces;
    private readonly GrainClassInfo[] _classes;
    private readonly TimeSpan _idleTimeout;
    private IGrainStorage? _grainStorage;
    private int _activationCount;
    private long _totalActivations;

    public ActorRuntime(
        IServiceProvider services,
        IOptions<ActorRuntimeOptions> options,
        TimeProvider timeProvider,
        IEnumerable<GrainRegistration> registrations,
        ILogger<ActorRuntime> logger)
    {
        var settings = options.Value;
        if (settings.IdleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), settings.IdleTimeout, "IdleTimeout must be positive.");
        }

        Services = services;
        TimeProvider = timeProvider;
        Logger = logger;
        StateSerializerOptions = settings.StateSerializerOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        _idleTimeout = settings.IdleTimeout;

        var classes = new Dictionary<Type, GrainClassInfo>();
        var interfaces = new Dictionary<Type, GrainInterfaceInfo>();
        foreach (var registration in registrations)
        {
            if (interfaces.TryGetValue(registration.InterfaceType, out var existing))
            {
                if (existing.Class.GrainClass != registration.GrainClass)
                {
                    throw new InvalidOperationException(
                        $"Grain interface {registration.InterfaceType.Name} is registered for both {existing.Class.GrainClass.Name} and {registration.GrainClass.Name}.");
                }

                continue;
            }

            if (!classes.TryGetValue(registration.GrainClass, out var grainClass))
            {
                grainClass = new GrainClassInfo(registration.GrainClass);
                classes.Add(registration.GrainClass, grainClass);
            }

            interfaces.Add(registration.InterfaceType, new GrainInterfaceInfo(registration.InterfaceType, grainClass, this));
        }

        _interfaces = interfaces.ToFrozenDictionary();
        _classes = [.. classes.Values];
    }

    public int ActivationCount => Volatile.Read(ref _activationCount);

    public long TotalActivations => Interlocked.Read(ref _totalActivations);

    internal IServiceProvider Services { get; }

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger { get; }

    internal JsonSerializerOptions StateSerializerOptions { get; }

    // Resolved on first use, so that hosts whose grains keep no state need no storage.
    internal IGrainStorage GrainStorage => _grainStorage ??= Services.GetRequiredService<IGrainStorage>();

    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        var grainInterface = GetInterface(typeof(TGrainInterface));
        var reference = DispatchProxy.Create<TGrainInterface, GrainProxy>();
        ((GrainProxy)(object)reference).Initialize(grainInterface, key);
        return reference;
    }

    public Task DeactivateAsync<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        var grainClass = GetInterface(typeof(TGrainInterface)).Class;
        return grainClass.Activations.TryGetValue(key, out var activation)
            ? activation.DeactivateAsync(CancellationToken.None)
            : Task.CompletedTask;
    }

    public Task CollectIdleAsync()
    {
        List<Task>? deactivations = null;
        foreach (var grainClass in _classes)
        {
            foreach (var (_, activation) in grainClass.Activations)
            {
                if (activation.TryCollectIfIdle(_idleTimeout) is { } deactivation)
                {
                    (deactivations ??= []).Add(deactivation);
                }
            }
        }

        return deactivations is null ? Task.CompletedTask : Task.WhenAll(deactivations);
    }

    public Task DeactivateAllAsync(CancellationToken cancellationToken)
    {
        var deactivations = new List<Task>();
        foreach (var grainClass in _classes)
        {
            foreach (var (_, activation) in grainClass.Activations)
            {
                deactivations.Add(activation.DeactivateAsync(cancellationToken));
            }
        }

        return Task.WhenAll(deactivations).WaitAsync(cancellationToken);
    }

    /// <summary>Queues a turn on the key's live mailbox, creating one if there is none, and returns it.</summary>
    internal Activation Send(GrainClassInfo grainClass, string key, ITurn turn)
    {
        var activations = grainClass.Activations;
        while (true)
        {
            if (!activations.TryGetValue(key, out var activation))
            {
                activation = activations.GetOrAdd(key, new Activation(this, grainClass, key));
            }

            if (activation.TryEnqueue(turn))
            {
                return activation;
            }

            // Retired between the lookup and the enqueue: make sure it is gone, then take a fresh one.
            activations.TryRemove(new KeyValuePair<string, Activation>(key, activation));
        }
    }

    internal void OnActivated()
    {
        Interlocked.Increment(ref _activationCount);
        Interlocked.Increment(ref _totalActivations);
    }

    internal void OnDeactivated() => Interlocked.Decrement(ref _activationCount);

    private GrainInterfaceInfo GetInterface(Type interfaceType) =>
        _interfaces.TryGetValue(interfaceType, out var grainInterface)
            ? grainInterface
            : throw new InvalidOperationException(
                $"No grain class is registered for {interfaceType.Name}: call AddActorRuntime().AddGrain<{interfaceType.Name}, TGrain>().");
}
