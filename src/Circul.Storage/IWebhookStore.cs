namespace Circul.Storage;

/// <summary>Consumer API keys, webhook bot configurations, the rooms they are allowed in, and the delivery outbox.
/// Deliveries are inserted by <see cref="IDurableWriter"/> with the message that fired them.</summary>
public interface IWebhookStore
{
    Task CreateApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken = default);

    /// <summary>An owner's keys, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(string ownerId, CancellationToken cancellationToken = default);

    /// <summary>Deletes one of an owner's keys; false when the owner has no such key.</summary>
    Task<bool> DeleteApiKeyAsync(string ownerId, string keyId, CancellationToken cancellationToken = default);

    Task<ApiKeyRecord?> FindApiKeyAsync(string hash, CancellationToken cancellationToken = default);

    Task CreateBotAsync(WebhookBotRecord bot, CancellationToken cancellationToken = default);

    Task<WebhookBotRecord?> GetBotAsync(string botId, CancellationToken cancellationToken = default);

    /// <summary>An owner's webhook bots, oldest first.</summary>
    Task<IReadOnlyList<WebhookBotRecord>> ListBotsAsync(string ownerId, CancellationToken cancellationToken = default);

    /// <summary>Replaces a bot's configuration (not its owner, secret or creation time); false when it does not exist.</summary>
    Task<bool> UpdateBotAsync(WebhookBotRecord bot, CancellationToken cancellationToken = default);

    /// <summary>Deletes a bot's configuration, its rooms and its deliveries; false when it did not exist.</summary>
    Task<bool> DeleteBotAsync(string botId, CancellationToken cancellationToken = default);

    /// <summary>Allows a bot in a room; false when it was already allowed.</summary>
    Task<bool> AddRoomAsync(string botId, string roomId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Takes a room from a bot; false when it was not allowed there.</summary>
    Task<bool> RemoveRoomAsync(string botId, string roomId, CancellationToken cancellationToken = default);

    /// <summary>The rooms a bot was allowed in, in the order they were added.</summary>
    Task<IReadOnlyList<string>> ListRoomsAsync(string botId, CancellationToken cancellationToken = default);

    /// <summary>The enabled bots of <paramref name="ownerId"/> active in a room: those allowed in all the owner's rooms
    /// and those allowed in this one (bots whose user was deleted excluded). What a room grain loads once to evaluate triggers in memory.</summary>
    Task<IReadOnlyList<WebhookBotRecord>> ListRoomBotsAsync(string roomId, string ownerId, CancellationToken cancellationToken = default);

    /// <summary>Claims up to <paramref name="max"/> pending deliveries due at <paramref name="now"/> whose lease is
    /// free or expired: one conditional UPDATE sets the lease and counts the attempt, so two silos never claim the
    /// same row.</summary>
    Task<IReadOnlyList<WebhookDeliveryRecord>> ClaimDueDeliveriesAsync(string leaseOwner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default);

    /// <summary>Stores the body built at the first attempt (retries send it unchanged), while the lease is held.</summary>
    Task<bool> SavePayloadAsync(string deliveryId, string leaseOwner, string payload, CancellationToken cancellationToken = default);

    /// <summary>Records an attempt's outcome and frees the lease; false when the lease was lost meanwhile.</summary>
    Task<bool> FinishAttemptAsync(string deliveryId, string leaseOwner, WebhookAttemptOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>Frees every lease of <paramref name="leaseOwner"/> on rows not attempted yet in this lease (a silo
    /// stopping): the attempt it counted is given back.</summary>
    Task ReleaseLeasesAsync(string leaseOwner, IReadOnlyCollection<string> deliveryIds, CancellationToken cancellationToken = default);

    Task<WebhookDeliveryRecord?> GetDeliveryAsync(string deliveryId, CancellationToken cancellationToken = default);

    /// <summary>A bot's most recent deliveries, newest first.</summary>
    Task<IReadOnlyList<WebhookDeliveryRecord>> ListDeliveriesAsync(string botId, int limit, CancellationToken cancellationToken = default);

    /// <summary>When the next pending delivery is due (leased ones included), or null when none is pending.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default);
}
