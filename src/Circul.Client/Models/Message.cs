namespace Circul.Client;

/// <summary>A message in a DM, a group or a panel channel.</summary>
public sealed record Message
{
    /// <summary>The message id (<c>msg-…</c>); ids sort ordinally in the order the server accepted the messages.</summary>
    public string Id { get; init; } = "";

    /// <summary>The room: the DM or group id, or for panel messages the channel id.</summary>
    public string ConvId { get; init; } = "";

    /// <summary>The panel, or null outside panels.</summary>
    public string? PanelId { get; init; }

    /// <summary>The panel channel, or null outside panels.</summary>
    public string? ChannelId { get; init; }

    /// <summary>The sender's id.</summary>
    public string SenderId { get; init; } = "";

    /// <summary>The sender summary.</summary>
    public MessageSender Sender { get; init; } = new();

    /// <summary>The text.</summary>
    public string Text { get; init; } = "";

    /// <summary>Whether the text is shown bold.</summary>
    public bool Bold { get; init; }

    /// <summary>Whether the text is shown italic.</summary>
    public bool Italic { get; init; }

    /// <summary>The ids of mentioned users (including <c>&lt;@id&gt;</c> written in the text).</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    /// <summary>The message this one replies to, if any.</summary>
    public string? ReplyToId { get; init; }

    /// <summary>The reactions.</summary>
    public IReadOnlyList<Reaction> Reactions { get; init; } = [];

    /// <summary>True for the server's join and leave announcements in panels: usually to be skipped.</summary>
    public bool IsSystem { get; init; }

    /// <summary>When the server accepted the message.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the message was last edited, or null.</summary>
    public DateTimeOffset? EditedAt { get; init; }

    /// <summary>The one user besides the sender who can see a private message (a webhook bot's private reply, like
    /// Discord's ephemeral messages), or null for a message everyone in the room sees.</summary>
    public string? VisibleTo { get; init; }

    /// <summary>Whether only the sender and <see cref="VisibleTo"/> can see the message (a reply to it is public).</summary>
    public bool IsPrivate => VisibleTo is not null;

    /// <summary>Whether the message was posted in a panel channel.</summary>
    public bool IsPanelMessage => PanelId is not null;
}
