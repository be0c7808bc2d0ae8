using System.Collections.Concurrent;

namespace Circul.Grains.Panels;

/// <summary>Everything permissions depend on except membership: the owner, everyone's permissions, roles and channel
/// overrides. Immutable; replaced (never mutated) when any of them changes. Resolved permissions are memoised per
/// (role set, channel), which is what keeps fan-out to thousands of members cheap.</summary>
public sealed class PanelPermissions
{
    private readonly ConcurrentDictionary<(string RoleSetKey, string? ChannelId), Permission> _cache = new();

    public PanelPermissions(PanelState state)
        : this(state.Name, state.CreatorId, state.Everyone, state.Roles, state.Channels)
    {
    }

    public PanelPermissions(string panelName, string creatorId, Permission everyone, IEnumerable<RoleState> roles, IEnumerable<ChannelState> channels)
    {
        PanelName = panelName;
        CreatorId = creatorId;
        Everyone = everyone;
        Roles = roles.ToDictionary(r => r.Id, StringComparer.Ordinal);
        Channels = channels.ToDictionary(c => c.Id, StringComparer.Ordinal);
    }

    /// <summary>The panel's name (the sender name of its system messages).</summary>
    public string PanelName { get; }

    public string CreatorId { get; }

    public Permission Everyone { get; }

    public IReadOnlyDictionary<string, RoleState> Roles { get; }

    public IReadOnlyDictionary<string, ChannelState> Channels { get; }

    /// <summary>The owner rule, in one place: the panel's creator has every permission and sees every channel.</summary>
    public bool IsCreator(string userId) => userId == CreatorId;

    /// <summary>Panel-wide permissions of a member with these roles.</summary>
    public Permission InPanel(string userId, RoleSet roles)
    {
        if (IsCreator(userId))
        {
            return Permission.All;
        }

        return _cache.GetOrAdd((roles.Key, null), static (_, s) =>
            PermissionResolver.ResolvePanel(false, s.Self.Everyone, s.Self.RolePermissions(s.Roles)), (Self: this, Roles: roles));
    }

    /// <summary>Permissions of a member with these roles in a channel; none for an unknown channel.</summary>
    public Permission InChannel(string userId, RoleSet roles, string channelId)
    {
        if (!Channels.ContainsKey(channelId))
        {
            return Permission.None;
        }

        if (IsCreator(userId))
        {
            return Permission.All;
        }

        return _cache.GetOrAdd((roles.Key, channelId), static (key, s) =>
        {
            var channel = s.Self.Channels[key.ChannelId!];
            var everyoneOverride = channel.Overrides.FirstOrDefault(o => o.RoleId == PermissionResolver.EveryoneRoleId);
            var roleOverrides = channel.Overrides.Where(o => s.Roles.RoleIds.Contains(o.RoleId));
            return PermissionResolver.ResolveChannel(false, s.Self.Everyone, s.Self.RolePermissions(s.Roles), everyoneOverride, roleOverrides);
        }, (Self: this, Roles: roles));
    }

    /// <summary>The view rule, in one place: whether a member with these roles can view a channel (none can view an
    /// unknown channel; the creator views every existing one).</summary>
    public bool CanView(string userId, RoleSet roles, string channelId) =>
        (InChannel(userId, roles, channelId) & Permission.ViewChannel) != 0;

    /// <summary>Whether members with these roles who are not the creator can view a channel: what every member sharing
    /// the role set sees, so per-role-set work (fan-out groups, view changes) asks this once per set.</summary>
    public bool RoleSetCanView(RoleSet roles, string channelId) => CanView(string.Empty, roles, channelId);

    /// <summary>The highest position among the roles (0 when none: the everyone level).</summary>
    public int HighestPosition(RoleSet roles)
    {
        var highest = 0;
        foreach (var id in roles.RoleIds)
        {
            if (Roles.TryGetValue(id, out var role) && role.Position > highest)
            {
                highest = role.Position;
            }
        }

        return highest;
    }

    private IEnumerable<Permission> RolePermissions(RoleSet roles)
    {
        foreach (var id in roles.RoleIds)
        {
            if (Roles.TryGetValue(id, out var role))
            {
                yield return role.Permissions;
            }
        }
    }
}
