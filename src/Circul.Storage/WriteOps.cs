namespace Circul.Storage;

// The writes that go through the per-silo batching writer. Grouped: they are one closed set.

/// <summary>A write executed inside a batch transaction.</summary>
public abstract record WriteOp;

/// <summary>Inserts a message, and its Idempotency-Key row when given (ON CONFLICT DO NOTHING unless the old key
/// expired) with <paramref name="RequestHash"/>, the fingerprint of the send that used the key.</summary>
public sealed record InsertMessageOp(MessageRecord Message, string? IdempotencyKey, string? RequestHash = null) : WriteOp
{
    /// <summary>Webhook deliveries the message fired, inserted in the same transaction: a durable message never loses
    /// its deliveries.</summary>
    public IReadOnlyList<NewWebhookDelivery> Deliveries { get; init; } = [];
}

/// <summary>Sets a message's text and edited_at.</summary>
public sealed record EditMessageOp(string MessageId, string Text, DateTimeOffset EditedAt) : WriteOp;

/// <summary>Marks a message deleted (soft delete: reads no longer return it).</summary>
public sealed record DeleteMessageOp(string MessageId, DateTimeOffset DeletedAt) : WriteOp;

/// <summary>Adds a reaction (ON CONFLICT DO NOTHING).</summary>
public sealed record AddReactionOp(string MessageId, string Emoji, string UserId, DateTimeOffset At) : WriteOp;

/// <summary>Removes a reaction if present.</summary>
public sealed record RemoveReactionOp(string MessageId, string Emoji, string UserId) : WriteOp;

/// <summary>Sets a user's read marker in a room (upsert; never moves backwards).</summary>
public sealed record SetReadMarkerOp(string RoomId, string UserId, string MessageId) : WriteOp;

/// <summary>Sets how many gateway connections a user has on a silo; 0 deletes the row.</summary>
public sealed record SetPresenceOp(string UserId, string Silo, int Connections) : WriteOp;
