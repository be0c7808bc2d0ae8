namespace Circul.Client;

/// <summary>One emoji's reactions on a message.</summary>
public sealed record Reaction
{
    /// <summary>The emoji.</summary>
    public string Emoji { get; init; } = "";

    /// <summary>How many users reacted with it.</summary>
    public int Count { get; init; }

    /// <summary>Who reacted with it.</summary>
    public IReadOnlyList<string> UserIds { get; init; } = [];
}
