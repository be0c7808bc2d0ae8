using Orleans;

namespace Circul.Storage;

// Storage-side records. Grouped in one file because they are the storage contract, read together.

/// <summary>A user row. <see cref="Username"/> is set for humans only (login name, unique case-insensitively).</summary>
[GenerateSerializer, Immutable, Alias("circul.UserRecord")]
public sealed record UserRecord(
    string Id,
    string? Username,
    bool IsBot,
    string? OwnerId,
    string Name,
    string Bio,
    string Mood,
    string Status,
    bool RestPresence,
    string AvatarUrl,
    string BannerUrl,
    string Description,
    IReadOnlyList<string> RedirectUris,
    DateTimeOffset CreatedAt,
    bool Deleted,
    long Version);

/// <summary>A token row: only the SHA-256 hash of the token is stored.</summary>
[GenerateSerializer, Immutable, Alias("circul.TokenRecord")]
public sealed record TokenRecord(string Hash, string UserId, string Kind, DateTimeOffset CreatedAt);

/// <summary>A DM or group. <see cref="DmKey"/> is "a|b" (ordinal-sorted member ids) for DMs, null for groups.</summary>
[GenerateSerializer, Immutable, Alias("circul.ConversationRecord")]
public sealed record ConversationRecord(
    string Id, string Kind, string? Name, string? OwnerId, string? DmKey, DateTimeOffset CreatedAt);

/// <summary>A message row. <see cref="RoomId"/> is the conversation or channel id. <see cref="VisibleTo"/> makes it
/// private: only its sender and that user may see it (null: everyone who can see the room).</summary>
[GenerateSerializer, Immutable, Alias("circul.MessageRecord")]
public sealed record MessageRecord(
    string Id,
    string RoomId,
    string? PanelId,
    string SenderId,
    string Text,
    bool Bold,
    bool Italic,
    IReadOnlyList<string> Mentions,
    string? ReplyToId,
    bool IsSystem,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EditedAt,
    string? VisibleTo);

/// <summary>One user's reaction.</summary>
[GenerateSerializer, Immutable, Alias("circul.ReactionRecord")]
public sealed record ReactionRecord(string Emoji, string UserId, DateTimeOffset CreatedAt);

/// <summary>The sender columns joined onto a message when it is read.</summary>
[GenerateSerializer, Immutable, Alias("circul.SenderRecord")]
public sealed record SenderRecord(string Id, string Name, bool IsBot, string AvatarUrl);

/// <summary>A message as read back: the row, its sender (current profile), its reactions in insertion order.</summary>
[GenerateSerializer, Immutable, Alias("circul.StoredMessage")]
public sealed record StoredMessage(MessageRecord Message, SenderRecord Sender, IReadOnlyList<ReactionRecord> Reactions);

/// <summary>An Idempotency-Key row: the message it produced and the fingerprint of the send that used it (null on
/// rows written before fingerprints were recorded).</summary>
public sealed record IdempotentSend(string MessageId, string? RequestHash);

/// <summary>An uploaded image (avatar or banner), served by file name.</summary>
[GenerateSerializer, Immutable, Alias("circul.MediaRecord")]
public sealed record MediaRecord(string FileName, string UserId, string Mime, byte[] Data, DateTimeOffset CreatedAt);

/// <summary>A room's newest non-deleted message id, and its newest one that is not private (null when every message
/// is private).</summary>
public sealed record RoomLastMessages(string Newest, string? NewestPublic);
