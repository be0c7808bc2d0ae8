namespace Circul.Contracts;

/// <summary>The gateway's event type names.</summary>
public static class EventTypes
{
    public const string Ready = "ready";
    public const string Resumed = "resumed";
    public const string InvalidSession = "invalid_session";
    public const string Pong = "pong";
    public const string MessageNew = "message_new";
    public const string PanelMessage = "panel_message";
    public const string MessageEdited = "message_edited";
    public const string MessageDeleted = "message_deleted";
    public const string ReactionAdded = "reaction_added";
    public const string ReactionRemoved = "reaction_removed";
    public const string Mention = "mention";
    public const string StatusChange = "status_change";
    public const string UserUpdated = "user_updated";
    public const string AvatarUpdated = "avatar_updated";
    public const string PanelMemberJoined = "panel_member_joined";
    public const string PanelMemberLeft = "panel_member_left";
    public const string PanelBanned = "panel_banned";
    public const string PanelUpdated = "panel_updated";
    public const string PanelChannelCreated = "panel_channel_created";
    public const string PanelChannelUpdated = "panel_channel_updated";
    public const string PanelChannelDeleted = "panel_channel_deleted";
    public const string PanelDeleted = "panel_deleted";
}
