using Orleans;

namespace Circul.Grains.Events;

/// <summary>An event's audience as data, never a closure: it crosses silos with the event and is resolved there against
/// the local sessions by <see cref="AudienceResolver"/>, with the same permission function the REST path uses (the
/// panel's immutable snapshot at <see cref="Version"/>).</summary>
[GenerateSerializer, Immutable, Alias("circul.EventAudience")]
public sealed record EventAudience(
    [property: Id(0)] AudienceKind Kind,
    [property: Id(1)] string[]? UserIds,
    [property: Id(2)] string? PanelId = null,
    [property: Id(3)] long Version = 0,
    [property: Id(4)] string? ChannelId = null,
    [property: Id(5)] long BeforeVersion = 0,
    [property: Id(6)] string[]? RoleSetKeys = null,
    [property: Id(7)] bool IncludeCreator = false)
{
    public static EventAudience Users(IEnumerable<string> userIds) =>
        new(AudienceKind.Users, userIds as string[] ?? [.. userIds]);

    public static EventAudience PanelMembers(string panelId, long version, string[]? among = null) =>
        new(AudienceKind.PanelMembers, among, panelId, version);

    public static EventAudience ChannelViewers(string panelId, string channelId, long version, string[]? among = null) =>
        new(AudienceKind.ChannelViewers, among, panelId, version, channelId);

    public static EventAudience ViewChange(AudienceKind kind, string panelId, string channelId, long before, long after) =>
        new(kind, null, panelId, after, channelId, before);

    public static EventAudience PanelRoleSets(string panelId, long version, string[] roleSetKeys, bool includeCreator) =>
        new(AudienceKind.PanelRoleSets, null, panelId, version, RoleSetKeys: roleSetKeys, IncludeCreator: includeCreator);

    /// <summary>Whether resolving this audience needs the panel's snapshot(s).</summary>
    public bool NeedsSnapshot => Kind != AudienceKind.Users;

    /// <summary>Whether it needs the snapshot at <see cref="BeforeVersion"/> too.</summary>
    public bool NeedsBeforeSnapshot => Kind is AudienceKind.ChannelKeptView or AudienceKind.ChannelLostView or AudienceKind.ChannelGainedView;
}
