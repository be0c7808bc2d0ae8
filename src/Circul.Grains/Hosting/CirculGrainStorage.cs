using System.Text.Json;
using Circul.Storage;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Circul.Grains.Hosting;

/// <summary>Orleans' grain storage provider on the project's own ADO.NET layer (<see cref="IGrainStateStore"/>, the
/// <c>grain_state</c> table of both dialects, created by our migrations). State documents are System.Text.Json without
/// type names, so a renamed class still reads its rows; the etag is the row's version, so a stale writer gets
/// <see cref="InconsistentStateException"/>.</summary>
public sealed class CirculGrainStorage(IGrainStateStore store) : IGrainStorage
{
    public const string ProviderName = "circul";

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var record = await store.ReadAsync(stateName, grainId.Key.ToString()!, CancellationToken.None);
        if (record is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = JsonSerializer.Deserialize<T>(record.Json, SerializerOptions) ?? Activator.CreateInstance<T>();
        grainState.ETag = record.ETag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var json = JsonSerializer.Serialize(grainState.State, SerializerOptions);
        try
        {
            grainState.ETag = await store.WriteAsync(stateName, grainId.Key.ToString()!, json, grainState.ETag, CancellationToken.None);
            grainState.RecordExists = true;
        }
        catch (StateConflictException e)
        {
            throw new InconsistentStateException(e.Message, e);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await store.ClearAsync(stateName, grainId.Key.ToString()!, grainState.ETag, CancellationToken.None);
        }
        catch (StateConflictException e)
        {
            throw new InconsistentStateException(e.Message, e);
        }

        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }
}
