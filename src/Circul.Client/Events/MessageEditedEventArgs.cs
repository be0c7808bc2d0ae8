namespace Circul.Client;

/// <summary><c>message_edited</c>: a message's text changed.</summary>
public sealed record MessageEditedEventArgs
{
    /// <summary>The room (DM/group id, or channel id).</summary>
    public string ConvId { get; init; } = "";

    /// <summary>The panel, or null outside panels.</summary>
    public string? PanelId { get; init; }

    /// <summary>The channel, or null outside panels.</summary>
    public string? ChannelId { get; init; }

    /// <summary>The edited message.</summary>
    public string MessageId { get; init; } = "";

    /// <summary>The new text.</summary>
    public string Text { get; init; } = "";

    /// <summary>When it was edited.</summary>
    public DateTimeOffset? EditedAt { get; init; }
}
