using System.Globalization;

namespace Circul.Actors;

/// <summary>
/// In-process <see cref="IGrainStorage"/> for tests and single-process development. Etags are numbers
/// from one counter for the whole store, so a version is never reused, not even after a clear.
/// </summary>
public sealed class MemoryGrainStorage : IGrainStorage
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string GrainType, string GrainKey), GrainStateRecord> _records = [];
    private long _lastETag;

    public Task<GrainStateRecord?> ReadAsync(string grainType, string grainKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainType);
        ArgumentNullException.ThrowIfNull(grainKey);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<GrainStateRecord?>(cancellationToken);
        }

        lock (_lock)
        {
            return Task.FromResult(_records.GetValueOrDefault((grainType, grainKey)));
        }
    }

    public Task<string> WriteAsync(string grainType, string grainKey, string json, string? expectedETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainType);
        ArgumentNullException.ThrowIfNull(grainKey);
        ArgumentNullException.ThrowIfNull(json);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<string>(cancellationToken);
        }

        lock (_lock)
        {
            var key = (grainType, grainKey);
            var storedETag = _records.GetValueOrDefault(key)?.ETag;
            if (storedETag != expectedETag)
            {
                return Task.FromException<string>(Conflict(grainType, grainKey, expectedETag, storedETag));
            }

            var etag = (++_lastETag).ToString(CultureInfo.InvariantCulture);
            _records[key] = new GrainStateRecord(json, etag);
            return Task.FromResult(etag);
        }
    }

    public Task ClearAsync(string grainType, string grainKey, string? expectedETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainType);
        ArgumentNullException.ThrowIfNull(grainKey);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        lock (_lock)
        {
            var key = (grainType, grainKey);
            var storedETag = _records.GetValueOrDefault(key)?.ETag;
            if (storedETag != expectedETag)
            {
                return Task.FromException(Conflict(grainType, grainKey, expectedETag, storedETag));
            }

            _records.Remove(key);
            return Task.CompletedTask;
        }
    }

    private static InconsistentStateException Conflict(string grainType, string grainKey, string? expected, string? stored) =>
        new($"State of {grainType}/{grainKey} is at version '{stored ?? "(none)"}', expected '{expected ?? "(none)"}'.");
}
