using System.Collections.Concurrent;
using Circul.Storage;

namespace Circul.Silo.Tests.Webhooks;

/// <summary>The real <see cref="IWebhookStore"/> (the silo's own SQL store) with a count of the per-room subscription
/// queries, to show that triggers do not read storage per message. Everything else passes straight through.</summary>
public sealed class CountingWebhookStore(IWebhookStore inner) : IWebhookStore
{
    private readonly ConcurrentDictionary<string, int> _roomLoads = new(StringComparer.Ordinal);

    public int RoomLoads(string roomId) => _roomLoads.TryGetValue(roomId, out var n) ? n : 0;

    public Task<IReadOnlyList<WebhookBotRecord>> ListRoomBotsAsync(string roomId, string ownerId, CancellationToken cancellationToken = default)
    {
        _roomLoads.AddOrUpdate(roomId, 1, (_, n) => n + 1);
        return inner.ListRoomBotsAsync(roomId, ownerId, cancellationToken);
    }

    public Task CreateApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken = default) => inner.CreateApiKeyAsync(key, cancellationToken);

    public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(string ownerId, CancellationToken cancellationToken = default) => inner.ListApiKeysAsync(ownerId, cancellationToken);

    public Task<bool> DeleteApiKeyAsync(string ownerId, string keyId, CancellationToken cancellationToken = default) => inner.DeleteApiKeyAsync(ownerId, keyId, cancellationToken);

    public Task<ApiKeyRecord?> FindApiKeyAsync(string hash, CancellationToken cancellationToken = default) => inner.FindApiKeyAsync(hash, cancellationToken);

    public Task CreateBotAsync(WebhookBotRecord bot, CancellationToken cancellationToken = default) => inner.CreateBotAsync(bot, cancellationToken);

    public Task<WebhookBotRecord?> GetBotAsync(string botId, CancellationToken cancellationToken = default) => inner.GetBotAsync(botId, cancellationToken);

    public Task<IReadOnlyList<WebhookBotRecord>> ListBotsAsync(string ownerId, CancellationToken cancellationToken = default) => inner.ListBotsAsync(ownerId, cancellationToken);

    public Task<bool> UpdateBotAsync(WebhookBotRecord bot, CancellationToken cancellationToken = default) => inner.UpdateBotAsync(bot, cancellationToken);

    public Task<bool> DeleteBotAsync(string botId, CancellationToken cancellationToken = default) => inner.DeleteBotAsync(botId, cancellationToken);

    public Task<bool> AddRoomAsync(string botId, string roomId, DateTimeOffset at, CancellationToken cancellationToken = default) => inner.AddRoomAsync(botId, roomId, at, cancellationToken);

    public Task<bool> RemoveRoomAsync(string botId, string roomId, CancellationToken cancellationToken = default) => inner.RemoveRoomAsync(botId, roomId, cancellationToken);

    public Task<IReadOnlyList<string>> ListRoomsAsync(string botId, CancellationToken cancellationToken = default) => inner.ListRoomsAsync(botId, cancellationToken);

    public Task<IReadOnlyList<WebhookDeliveryRecord>> ClaimDueDeliveriesAsync(string leaseOwner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default) =>
        inner.ClaimDueDeliveriesAsync(leaseOwner, now, leaseUntil, max, cancellationToken);

    public Task<bool> SavePayloadAsync(string deliveryId, string leaseOwner, string payload, CancellationToken cancellationToken = default) =>
        inner.SavePayloadAsync(deliveryId, leaseOwner, payload, cancellationToken);

    public Task<bool> FinishAttemptAsync(string deliveryId, string leaseOwner, WebhookAttemptOutcome outcome, CancellationToken cancellationToken = default) =>
        inner.FinishAttemptAsync(deliveryId, leaseOwner, outcome, cancellationToken);

    public Task ReleaseLeasesAsync(string leaseOwner, IReadOnlyCollection<string> deliveryIds, CancellationToken cancellationToken = default) =>
        inner.ReleaseLeasesAsync(leaseOwner, deliveryIds, cancellationToken);

    public Task<WebhookDeliveryRecord?> GetDeliveryAsync(string deliveryId, CancellationToken cancellationToken = default) => inner.GetDeliveryAsync(deliveryId, cancellationToken);

    public Task<IReadOnlyList<WebhookDeliveryRecord>> ListDeliveriesAsync(string botId, int limit, CancellationToken cancellationToken = default) =>
        inner.ListDeliveriesAsync(botId, limit, cancellationToken);

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default) => inner.NextDueAsync(cancellationToken);
}
