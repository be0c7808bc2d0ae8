namespace Circul.Client;

/// <summary>A panel (a Discord-style server). Cached instances are immutable snapshots that the bot replaces as
/// gateway events arrive.</summary>
public sealed record Panel
{
    /// <summary>The id (<c>panel-…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The creator (owner).</summary>
    public string CreatorId { get; init; } = "";

    /// <summary>The members' ids.</summary>
    public IReadOnlyList<string> MemberIds { get; init; } = [];

    /// <summary>How many members the panel has.</summary>
    public int MemberCount { get; init; }

    /// <summary>The roles.</summary>
    public IReadOnlyList<PanelRole> Roles { get; init; } = [];

    /// <summary>The categories and the channels in each.</summary>
    public IReadOnlyList<PanelCategory> Categories { get; init; } = [];

    /// <summary>Role ids per member id.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> MemberRoles { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The permissions of the everyone role.</summary>
    public IReadOnlyList<string> EveryonePermissions { get; init; } = [];
}
