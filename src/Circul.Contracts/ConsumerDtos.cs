using System.Text.Json.Serialization;

namespace Circul.Contracts;

// The consumer API (API section 11) and the webhook body. The consumer API keeps the seed's camelCase names (and
// "_id"), so its records name every property; the webhook body and the API key objects are snake_case like the rest.

/// <summary>An API key as listed (the key itself is never shown again).</summary>
public sealed record ApiKeyDto(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>The answer of <c>POST /api/keys</c>: the only time the key is shown.</summary>
public sealed record ApiKeyCreatedDto(string Id, string Name, string Key, DateTimeOffset CreatedAt);

/// <summary>A webhook bot as the consumer API shows it. <see cref="SigningSecret"/> is present only in the create
/// answer.</summary>
public sealed record ConsumerBotDto(
    [property: JsonPropertyName("_id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("trigger")] string Trigger,
    [property: JsonPropertyName("messageVisibility")] string MessageVisibility,
    [property: JsonPropertyName("isAllowedInAllChatRooms")] bool IsAllowedInAllChatRooms,
    [property: JsonPropertyName("messageHistoryLimit")] int MessageHistoryLimit,
    [property: JsonPropertyName("webhookURL")] string WebhookUrl,
    [property: JsonPropertyName("metadata")] string? Metadata,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("rooms")] IReadOnlyList<string> Rooms,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("signingSecret"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SigningSecret = null);

/// <summary>One webhook delivery as <c>GET /consumer/api/v2/bot/{id}/deliveries</c> lists it.</summary>
public sealed record ConsumerDeliveryDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("roomId")] string RoomId,
    [property: JsonPropertyName("messageId")] string MessageId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("lastStatusCode")] int? LastStatusCode,
    [property: JsonPropertyName("latencyMs")] int? LatencyMs,
    [property: JsonPropertyName("lastError")] string? LastError,
    [property: JsonPropertyName("replyMessageId")] string? ReplyMessageId,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("nextAttemptAt")] DateTimeOffset? NextAttemptAt,
    [property: JsonPropertyName("completedAt")] DateTimeOffset? CompletedAt);

/// <summary>The room of a webhook delivery: <c>kind</c> is <c>channel</c> or <c>group</c>.</summary>
public sealed record WebhookRoomDto(string Kind, string Id, string? PanelId);

/// <summary>The JSON body POSTed to a webhook bot's URL.</summary>
public sealed record WebhookPayloadDto(
    string Event, string BotId, WebhookRoomDto Room, MessageDto Message, IReadOnlyList<MessageDto> History, string? Metadata);
