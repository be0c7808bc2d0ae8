using System.Text.Json;
using Circul.Actors.Runtime;

namespace Circul.Actors;

/// <summary>
/// A grain with one persisted state document (small, bounded state). The state is read before
/// <see cref="Grain.OnActivateAsync"/>; writes are conditional on the version last read, and a conflict
/// makes the runtime reload the state and run the call once more. The storage name of the grain type is
/// the grain class's name.
/// </summary>
public abstract class Grain<TState> : Grain
    where TState : class, new()
{
    private IGrainStorage? _storage;
    private JsonSerializerOptions? _serializerOptions;
    private TState _state = new();

    protected TState State
    {
        get => _state;
        set => _state = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The version last read or written; <see langword="null"/> when nothing is stored.</summary>
    protected string? ETag { get; private set; }

    /// <summary>Whether a state document is stored for this grain.</summary>
    protected bool RecordExists { get; private set; }

    private IGrainStorage Storage => _storage ?? throw new InvalidOperationException(
        "The grain is not activated yet: state is available from OnActivateAsync on, not in the constructor.");

    /// <summary>Replaces <see cref="State"/> with the stored version (a new <typeparamref name="TState"/> if none).</summary>
    protected async Task ReadStateAsync()
    {
        var record = await Storage.ReadAsync(GrainTypeName, GrainKey, CancellationToken.None).ConfigureAwait(false);
        if (record is null)
        {
            _state = new TState();
            ETag = null;
            RecordExists = false;
        }
        else
        {
            _state = JsonSerializer.Deserialize<TState>(record.Json, _serializerOptions) ?? new TState();
            ETag = record.ETag;
            RecordExists = true;
        }
    }

    /// <summary>Writes <see cref="State"/> if the stored version is still <see cref="ETag"/>.</summary>
    /// <exception cref="InconsistentStateException">Someone else wrote first.</exception>
    protected async Task WriteStateAsync()
    {
        var json = JsonSerializer.Serialize(_state, _serializerOptions);
        ETag = await Storage.WriteAsync(GrainTypeName, GrainKey, json, ETag, CancellationToken.None).ConfigureAwait(false);
        RecordExists = true;
    }

    /// <summary>Deletes the stored state if it is still at <see cref="ETag"/>, and resets <see cref="State"/>.</summary>
    /// <exception cref="InconsistentStateException">Someone else wrote first.</exception>
    protected async Task ClearStateAsync()
    {
        await Storage.ClearAsync(GrainTypeName, GrainKey, ETag, CancellationToken.None).ConfigureAwait(false);
        _state = new TState();
        ETag = null;
        RecordExists = false;
    }

    internal override Task LoadStateAsync(ActorRuntime runtime)
    {
        _storage = runtime.GrainStorage;
        _serializerOptions = runtime.StateSerializerOptions;
        return ReadStateAsync();
    }

    internal override Task ReloadStateAsync() => ReadStateAsync();
}
