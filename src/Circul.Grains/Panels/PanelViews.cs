using System.Collections.Immutable;
using Circul.Contracts;

namespace Circul.Grains.Panels;

/// <summary>The panel's wire objects, built from its document and members. Pure. The panel object is per viewer: its
/// categories list only the channels the viewer can view.</summary>
public static class PanelViews
{
    /// <summary>The panel as <paramref name="viewerId"/> sees it.</summary>
    public static PanelDto PanelFor(string viewerId, PanelState state, PanelSnapshot snapshot) =>
        Panel(snapshot.PanelId, state, snapshot.Members, ch => snapshot.CanView(viewerId, ch));

    /// <summary>The panel with categories listing the channels <paramref name="channelVisible"/> accepts.</summary>
    public static PanelDto Panel(string panelId, PanelState state, ImmutableDictionary<string, RoleSet> members, Func<string, bool> channelVisible)
    {
        var memberRoles = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (userId, roles) in members)
        {
            if (roles.RoleIds.Count > 0)
            {
                memberRoles[userId] = roles.RoleIds;
            }
        }

        return new PanelDto(
            panelId, state.Name, state.CreatorId, [.. members.Keys], members.Count,
            [.. state.Roles.OrderByDescending(r => r.Position).Select(Role)],
            [.. state.Categories.Select(c => Category(c with { ChannelIds = [.. c.ChannelIds.Where(channelVisible)] }))],
            memberRoles, Permissions.ToNames(state.Everyone));
    }

    public static ChannelDto Channel(string panelId, ChannelState c, int unreadCount = 0) =>
        new(c.Id, panelId, c.Name, c.CategoryId, c.Topic, c.Position,
            [.. c.Overrides.Select(o => new OverrideDto(o.RoleId, Permissions.ToNames(o.Allow), Permissions.ToNames(o.Deny)))], unreadCount);

    public static RoleDto Role(RoleState r) => new(r.Id, r.Name, r.Color, r.Position, Permissions.ToNames(r.Permissions));

    public static CategoryDto Category(CategoryState c) => new(c.Id, c.Name, c.ChannelIds);

    public static PanelMemberDto Member(UserDto user, RoleSet roles) => new(user.Id, user.Name, user.Status, user.IsBot, user.OwnerId, roles.RoleIds);

    /// <summary>Channels in display order: by category (in each category's order), then those outside any category by
    /// position. The first is where system messages go.</summary>
    public static IEnumerable<ChannelState> OrderedChannels(PanelState state)
    {
        var byId = state.Channels.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var category in state.Categories)
        {
            foreach (var id in category.ChannelIds)
            {
                if (byId.TryGetValue(id, out var channel) && seen.Add(id))
                {
                    yield return channel;
                }
            }
        }

        foreach (var channel in state.Channels.Where(c => !seen.Contains(c.Id)).OrderBy(c => c.Position))
        {
            yield return channel;
        }
    }
}
