using Orleans;

namespace Circul.Grains.Panels;

// The panel's small, bounded state, persisted as one JSON document with an etag. Members, bans and invites are rows.

/// <summary>A role. Higher <see cref="Position"/> ranks higher; the everyone role is implicit at position 0.</summary>
[GenerateSerializer, Immutable, Alias("circul.RoleState")]
public sealed record RoleState(string Id, string Name, string Color, int Position, Permission Permissions);

/// <summary>A category and the order of its channels.</summary>
[GenerateSerializer, Immutable, Alias("circul.CategoryState")]
public sealed record CategoryState(string Id, string Name, IReadOnlyList<string> ChannelIds);

/// <summary>A text channel and its permission overrides.</summary>
[GenerateSerializer, Immutable, Alias("circul.ChannelState")]
public sealed record ChannelState(string Id, string Name, string? CategoryId, string Topic, int Position, IReadOnlyList<ChannelOverride> Overrides);

/// <summary>The panel document.</summary>
[GenerateSerializer, Alias("circul.PanelState")]
public sealed class PanelState
{
    [Id(0)]
    public string Name { get; set; } = "";

    [Id(1)]
    public string CreatorId { get; set; } = "";

    [Id(2)]
    public Permission Everyone { get; set; } = Permissions.EveryoneDefault;

    [Id(3)]
    public List<RoleState> Roles { get; set; } = [];

    [Id(4)]
    public List<CategoryState> Categories { get; set; } = [];

    [Id(5)]
    public List<ChannelState> Channels { get; set; } = [];

    [Id(6)]
    public DateTimeOffset CreatedAt { get; set; }

    [Id(7)]
    public bool Deleted { get; set; }
}
