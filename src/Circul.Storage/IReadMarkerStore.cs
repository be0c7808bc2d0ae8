namespace Circul.Storage;

/// <summary>Reads of read markers (how far a user has read in a room). Writes go through
/// <see cref="IDurableWriter"/> as <see cref="SetReadMarkerOp"/>, which never moves a marker backwards.</summary>
public interface IReadMarkerStore
{
    /// <summary>The id of the last message <paramref name="userId"/> has read in <paramref name="roomId"/>, if any.</summary>
    Task<string?> GetReadMarkerAsync(string roomId, string userId, CancellationToken cancellationToken = default);

    /// <summary>The read markers of a user in the rooms given (rooms without a marker are absent).</summary>
    Task<IReadOnlyDictionary<string, string>> GetReadMarkersAsync(string userId, IReadOnlyCollection<string> roomIds, CancellationToken cancellationToken = default);
}
