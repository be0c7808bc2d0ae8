namespace Circul.Client;

/// <summary>The sender summary a message carries.</summary>
public sealed record MessageSender
{
    /// <summary>The sender's user id (a panel id for system messages).</summary>
    public string Id { get; init; } = "";

    /// <summary>The sender's display name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Whether the sender is a bot: check it to avoid bot-to-bot reply loops.</summary>
    public bool IsBot { get; init; }

    /// <summary>The sender's avatar URL path, or empty.</summary>
    public string AvatarUrl { get; init; } = "";
}
