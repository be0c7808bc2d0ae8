namespace Circul.Storage;

/// <summary>
/// One JSON state document per grain with optimistic concurrency (etags): what Orleans' grain storage provider
/// (<c>Circul.Grains.Hosting.CirculGrainStorage</c>) reads and writes. Implementations are thread-safe.
/// </summary>
public interface IGrainStateStore
{
    /// <summary>Reads the document, or returns <see langword="null"/> if none was written.</summary>
    Task<GrainStateRecord?> ReadAsync(string grainType, string grainKey, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the document if the stored etag equals <paramref name="expectedETag"/>
    /// (<see langword="null"/>: the document must not exist yet) and returns the new etag.
    /// </summary>
    /// <exception cref="StateConflictException">The stored version is not the expected one.</exception>
    Task<string> WriteAsync(string grainType, string grainKey, string json, string? expectedETag, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the document if the stored etag equals <paramref name="expectedETag"/>
    /// (<see langword="null"/> with no document stored is a no-op).
    /// </summary>
    /// <exception cref="StateConflictException">The stored version is not the expected one.</exception>
    Task ClearAsync(string grainType, string grainKey, string? expectedETag, CancellationToken cancellationToken);
}
