namespace Circul.Contracts;

/// <summary><c>ready</c>: the first frame of a gateway session.</summary>
public sealed record ReadyPayload(UserDto User, string SessionId, int HeartbeatIntervalMs);

/// <summary><c>invalid_session</c>: the session could not be resumed.</summary>
public sealed record InvalidSessionPayload(bool Resumable);

/// <summary><c>message_new</c>.</summary>
public sealed record MessageNewPayload(string ConvId, MessageDto Message);

/// <summary><c>panel_message</c>.</summary>
public sealed record PanelMessagePayload(string PanelId, string ChannelId, MessageDto Message);

/// <summary>The message part of <c>message_edited</c>.</summary>
public sealed record EditedMessageDto(string Id, string Text, DateTimeOffset? EditedAt);

/// <summary><c>message_edited</c>.</summary>
public sealed record MessageEditedPayload(string ConvId, string? PanelId, string? ChannelId, EditedMessageDto Message);

/// <summary><c>message_deleted</c>.</summary>
public sealed record MessageDeletedPayload(string ConvId, string? PanelId, string? ChannelId, string MessageId);

/// <summary><c>reaction_added</c> and <c>reaction_removed</c>.</summary>
public sealed record ReactionPayload(string MessageId, string Emoji, string UserId, string ConvId, string? PanelId, string? ChannelId);

/// <summary><c>mention</c>.</summary>
public sealed record MentionPayload(MessageDto Message, string ConvId, string? PanelId, string SenderId);

/// <summary><c>status_change</c>.</summary>
public sealed record StatusChangePayload(string UserId, string Status);

/// <summary><c>avatar_updated</c>.</summary>
public sealed record AvatarUpdatedPayload(string UserId, string AvatarUrl);

/// <summary><c>panel_member_joined</c> and <c>panel_member_left</c>.</summary>
public sealed record PanelMemberPayload(string PanelId, string UserId);

/// <summary><c>panel_banned</c>.</summary>
public sealed record PanelBannedPayload(string PanelId, string PanelName, string Reason);

/// <summary><c>panel_channel_deleted</c>.</summary>
public sealed record PanelChannelDeletedPayload(string PanelId, string ChannelId);

/// <summary><c>panel_deleted</c>.</summary>
public sealed record PanelDeletedPayload(string PanelId);
