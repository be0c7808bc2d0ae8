namespace Circul.Client;

/// <summary><c>reaction_added</c> or <c>reaction_removed</c>.</summary>
public sealed record ReactionEventArgs
{
    /// <summary>The message reacted to.</summary>
    public string MessageId { get; init; } = "";

    /// <summary>The emoji.</summary>
    public string Emoji { get; init; } = "";

    /// <summary>Who reacted (or removed the reaction).</summary>
    public string UserId { get; init; } = "";

    /// <summary>The room.</summary>
    public string ConvId { get; init; } = "";

    /// <summary>The panel, or null outside panels.</summary>
    public string? PanelId { get; init; }

    /// <summary>The channel, or null outside panels.</summary>
    public string? ChannelId { get; init; }
}
