namespace Circul.Client;

/// <summary><c>message_deleted</c>.</summary>
public sealed record MessageDeletedEventArgs
{
    /// <summary>The room (DM/group id, or channel id).</summary>
    public string ConvId { get; init; } = "";

    /// <summary>The panel, or null outside panels.</summary>
    public string? PanelId { get; init; }

    /// <summary>The channel, or null outside panels.</summary>
    public string? ChannelId { get; init; }

    /// <summary>The deleted message.</summary>
    public string MessageId { get; init; } = "";
}
