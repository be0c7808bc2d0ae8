using Circul.Grains.Events;

namespace Circul.Grains.Panels;

/// <summary>Who hears about a panel change, as <see cref="EventAudience"/> data: the per-viewer variants of
/// <c>panel_updated</c> and the members whose view of a channel changed. Pure; the work is per distinct role set
/// (from <see cref="RoleSetIndex"/>), never per member.</summary>
public static class PanelAudiences
{
    /// <summary>panel_updated carries each member's own view of the panel (categories list only the channels it can
    /// view, so hidden channels' ids do not leak): one group per distinct set of viewable channels. When everyone sees
    /// everything, a single group for all members. The creator, who sees everything, is in the group of all channels.</summary>
    /// <param name="channelIds">The panel's channels in document order.</param>
    public static IReadOnlyList<PanelUpdatedGroup> PanelUpdated(PanelSnapshot snapshot, IReadOnlyList<string> channelIds, IEnumerable<RoleSet> roleSets)
    {
        var everything = string.Join(',', channelIds);
        var groups = new Dictionary<string, HashSet<RoleSet>>(StringComparer.Ordinal) { [everything] = new(ReferenceEqualityComparer.Instance) };
        foreach (var roles in roleSets)
        {
            var key = string.Join(',', channelIds.Where(ch => snapshot.Permissions.RoleSetCanView(roles, ch)));
            if (!groups.TryGetValue(key, out var sets))
            {
                groups[key] = sets = new HashSet<RoleSet>(ReferenceEqualityComparer.Instance);
            }

            sets.Add(roles);
        }

        if (groups.Count == 1)
        {
            return [new PanelUpdatedGroup(EventAudience.PanelMembers(snapshot.PanelId, snapshot.Version), null)];
        }

        return
        [
            .. groups.Select(g => new PanelUpdatedGroup(
                EventAudience.PanelRoleSets(snapshot.PanelId, snapshot.Version, [.. g.Value.Select(r => r.Key)], includeCreator: g.Key == everything),
                new HashSet<string>(g.Key.Split(',', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal))),
        ];
    }

    /// <summary>The channels (of <paramref name="channelIds"/>) that members with some role set of
    /// <paramref name="roleSets"/> see differently after the change.</summary>
    public static IReadOnlyList<ChannelViewChange> ViewChanges(
        PanelSnapshot before, PanelSnapshot after, IEnumerable<string> channelIds, IReadOnlyCollection<RoleSet> roleSets) =>
        Changes(before, after, channelIds, ch => roleSets.Any(rs => before.Permissions.RoleSetCanView(rs, ch) != after.Permissions.RoleSetCanView(rs, ch)));

    /// <summary>The channels one member sees differently after the change (its roles changed).</summary>
    public static IReadOnlyList<ChannelViewChange> ViewChangesOf(PanelSnapshot before, PanelSnapshot after, IEnumerable<string> channelIds, string userId) =>
        Changes(before, after, channelIds, ch => before.CanView(userId, ch) != after.CanView(userId, ch));

    /// <summary>Members who could view the channel before and still can (they get <c>panel_channel_updated</c>).</summary>
    public static EventAudience KeptView(PanelSnapshot before, PanelSnapshot after, string channelId) =>
        EventAudience.ViewChange(AudienceKind.ChannelKeptView, after.PanelId, channelId, before.Version, after.Version);

    private static List<ChannelViewChange> Changes(PanelSnapshot before, PanelSnapshot after, IEnumerable<string> channelIds, Func<string, bool> changed) =>
    [
        .. channelIds.Where(changed).Select(ch => new ChannelViewChange(
            ch,
            EventAudience.ViewChange(AudienceKind.ChannelLostView, after.PanelId, ch, before.Version, after.Version),
            EventAudience.ViewChange(AudienceKind.ChannelGainedView, after.PanelId, ch, before.Version, after.Version))),
    ];
}
