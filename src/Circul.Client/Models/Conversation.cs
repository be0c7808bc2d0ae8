namespace Circul.Client;

/// <summary>A DM or a group.</summary>
public sealed record Conversation
{
    /// <summary>The id (<c>c-…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary><c>dm</c> or <c>group</c>.</summary>
    public string Kind { get; init; } = "";

    /// <summary>The group's name; null for DMs.</summary>
    public string? Name { get; init; }

    /// <summary>The members' ids.</summary>
    public IReadOnlyList<string> MemberIds { get; init; } = [];

    /// <summary>The group's owner; null for DMs.</summary>
    public string? OwnerId { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The newest message's id, or null when empty.</summary>
    public string? LastMessageId { get; init; }

    /// <summary>Whether this is a group (else a DM).</summary>
    public bool IsGroup => Kind == "group";
}
