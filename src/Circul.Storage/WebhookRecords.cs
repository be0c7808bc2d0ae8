namespace Circul.Storage;

// Storage-side records of the consumer API (API keys) and of webhook bots. Grouped: they are one storage contract.

/// <summary>A consumer API key: only the SHA-256 of the key (<see cref="Hash"/>) is stored.</summary>
public sealed record ApiKeyRecord(string Id, string OwnerId, string Name, string Hash, DateTimeOffset CreatedAt);

/// <summary>A webhook bot's configuration. <see cref="SigningSecret"/> is kept as it is: the server signs with it.</summary>
public sealed record WebhookBotRecord(
    string BotId,
    string OwnerId,
    string Trigger,
    string Visibility,
    bool AllRooms,
    int HistoryLimit,
    string WebhookUrl,
    string? Metadata,
    bool Enabled,
    string SigningSecret,
    DateTimeOffset CreatedAt);

/// <summary>A delivery to record (written with the message that fired it, see <see cref="InsertMessageOp.Deliveries"/>).</summary>
public sealed record NewWebhookDelivery(
    string Id,
    string BotId,
    string Event,
    string RoomKind,
    string RoomId,
    string? PanelId,
    string MessageId,
    string TriggeredBy,
    DateTimeOffset CreatedAt);

/// <summary>A delivery row as read back. <see cref="Attempts"/> counts attempts claimed so far (a claim counts one).</summary>
public sealed record WebhookDeliveryRecord(
    string Id,
    string BotId,
    string Event,
    string RoomKind,
    string RoomId,
    string? PanelId,
    string MessageId,
    string TriggeredBy,
    string Status,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    string? Payload,
    int? LastStatusCode,
    string? LastError,
    int? LatencyMs,
    string? ReplyMessageId,
    string? LeaseOwner,
    DateTimeOffset? LeaseUntil);

/// <summary>The outcome of one attempt. <see cref="Status"/> <c>pending</c> schedules another attempt at
/// <see cref="NextAttemptAt"/>; <c>succeeded</c> and <c>failed</c> are final.</summary>
public sealed record WebhookAttemptOutcome(
    string Status,
    DateTimeOffset NextAttemptAt,
    int? StatusCode,
    string? Error,
    int? LatencyMs,
    DateTimeOffset? CompletedAt,
    string? ReplyMessageId);

/// <summary>Delivery statuses.</summary>
public static class WebhookDeliveryStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}
