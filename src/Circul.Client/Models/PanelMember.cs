namespace Circul.Client;

/// <summary>A member of a panel.</summary>
public sealed record PanelMember
{
    /// <summary>The user id.</summary>
    public string Id { get; init; } = "";

    /// <summary>The display name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The presence status.</summary>
    public string Status { get; init; } = "";

    /// <summary>Whether the member is a bot.</summary>
    public bool IsBot { get; init; }

    /// <summary>The owner of a bot member.</summary>
    public string? OwnerId { get; init; }

    /// <summary>The member's roles.</summary>
    public IReadOnlyList<string> RoleIds { get; init; } = [];
}
