namespace Circul.Storage;

/// <summary>Reads of messages. Writes go through <see cref="IDurableWriter"/>, which batches them.</summary>
public interface IMessageStore
{
    /// <summary>A non-deleted message with its sender and reactions, private or not: the caller decides who may see a
    /// private one (<see cref="MessageRecord.VisibleTo"/>).</summary>
    Task<StoredMessage?> GetMessageAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Non-deleted messages of a room, newest first (by id, ordinal). <paramref name="before"/> gives the
    /// <paramref name="limit"/> messages just older than it; <paramref name="after"/> the <paramref name="limit"/>
    /// messages just newer than it (still returned newest first); both exclusive and combinable. A private message
    /// (non-null VisibleTo) is included only when <paramref name="viewerId"/> is its VisibleTo user or its sender, and
    /// the limit counts only included messages.</summary>
    Task<IReadOnlyList<StoredMessage>> ListMessagesAsync(string roomId, int limit, string? before, string? after, string viewerId, CancellationToken cancellationToken = default);

    /// <summary>The newest non-deleted message id of each room given, and the newest one that is not private (VisibleTo
    /// null), in one query (rooms without messages are absent).</summary>
    Task<IReadOnlyDictionary<string, RoomLastMessages>> GetLastMessageIdsAsync(IReadOnlyCollection<string> roomIds, CancellationToken cancellationToken = default);

    /// <summary>The message id and request fingerprint recorded for a sender's Idempotency-Key, if any (keys older
    /// than 24 h are ignored).</summary>
    Task<IdempotentSend?> FindIdempotentMessageAsync(string senderId, string key, DateTimeOffset notBefore, CancellationToken cancellationToken = default);

    /// <summary>Unread counts of a user in several rooms in one query: per room, the non-deleted messages the user can
    /// see, not sent by the user, newer than the user's read marker there (all of them without a marker). Rooms with
    /// nothing unread are absent.</summary>
    Task<IReadOnlyDictionary<string, int>> CountUnreadAsync(string userId, IReadOnlyCollection<string> roomIds, CancellationToken cancellationToken = default);

    /// <summary>Counts non-deleted messages of a room with id greater than <paramref name="afterId"/> (all when null),
    /// not sent by <paramref name="excludeSenderId"/>, that this user can see (private messages of others skipped).</summary>
    Task<int> CountMessagesAfterAsync(string roomId, string? afterId, string excludeSenderId, CancellationToken cancellationToken = default);
}
