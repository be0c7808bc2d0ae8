namespace Circul.Client;

/// <summary>The panel permission names.</summary>
public static class Permissions
{
    /// <summary>See a channel.</summary>
    public const string ViewChannel = "view_channel";

    /// <summary>Post in a channel.</summary>
    public const string SendMessages = "send_messages";

    /// <summary>Read a channel's history.</summary>
    public const string ReadMessageHistory = "read_message_history";

    /// <summary>React to messages.</summary>
    public const string AddReactions = "add_reactions";

    /// <summary>Mention everyone.</summary>
    public const string MentionEveryone = "mention_everyone";

    /// <summary>Delete others' messages.</summary>
    public const string ManageMessages = "manage_messages";

    /// <summary>Create, change and delete channels and categories.</summary>
    public const string ManageChannels = "manage_channels";

    /// <summary>Manage roles below one's highest role, and overrides.</summary>
    public const string ManageRoles = "manage_roles";

    /// <summary>Rename the panel, add bots.</summary>
    public const string ManagePanel = "manage_panel";

    /// <summary>Create invites.</summary>
    public const string CreateInvite = "create_invite";

    /// <summary>Remove members.</summary>
    public const string KickMembers = "kick_members";

    /// <summary>Ban members.</summary>
    public const string BanMembers = "ban_members";

    /// <summary>Every permission.</summary>
    public const string Administrator = "administrator";
}
