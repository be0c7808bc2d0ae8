namespace Circul.Grains.Panels;

// The panel's small, bounded state, persisted as one JSON document with an etag. Members, bans and invites are rows.

/// <summary>A role. Higher <see cref="Position"/> ranks higher; the everyone role is implicit at position 0.</summary>
public sealed record RoleState(string Id, string Name, string Color, int Position, Permission Permissions);

/// <summary>A category and the order of its channels.</summary>
public sealed record CategoryState(string Id, string Name, IReadOnlyList<string> ChannelIds);

/// <summary>A text channel and its permission overrides.</summary>
public sealed record ChannelState(string Id, string Name, string? CategoryId, string Topic, int Position, IReadOnlyList<ChannelOverride> Overrides);

/// <summary>The panel document.</summary>
public sealed class PanelState
{
    public string Name { get; set; } = "";

    public string CreatorId { get; set; } = "";

    public Permission Everyone { get; set; } = Permissions.EveryoneDefault;

    public List<RoleState> Roles { get; set; } = [];

    public List<CategoryState> Categories { get; set; } = [];

    public List<ChannelState> Channels { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public bool Deleted { get; set; }
}
