using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Circul.Grains.Panels;

/// <summary>An immutable view of a panel for permission checks and event fan-out: the permissions part and the
/// members (an immutable dictionary, so that a join makes a new snapshot in O(log n) instead of copying the list).
/// The same function answers REST checks (in grains) and event filtering (in the gateway).</summary>
public sealed class PanelSnapshot
{
    private readonly ConcurrentDictionary<string, Func<string, bool>> _viewFilters = new(StringComparer.Ordinal);

    public PanelSnapshot(string panelId, long version, PanelPermissions permissions, ImmutableDictionary<string, RoleSet> members)
    {
        PanelId = panelId;
        Version = version;
        Permissions = permissions;
        Members = members;
        MemberSet = new MemberSet(members);
    }

    public string PanelId { get; }

    public long Version { get; }

    public PanelPermissions Permissions { get; }

    public ImmutableDictionary<string, RoleSet> Members { get; }

    public MemberSet MemberSet { get; }

    public bool IsMember(string userId) => Members.ContainsKey(userId);

    public Permission InPanel(string userId) =>
        Members.TryGetValue(userId, out var roles) ? Permissions.InPanel(userId, roles) : Permission.None;

    public Permission InChannel(string userId, string channelId) =>
        Members.TryGetValue(userId, out var roles) ? Permissions.InChannel(userId, roles, channelId) : Permission.None;

    /// <summary>Whether a member can view a channel (false for non-members and unknown channels).</summary>
    public bool CanView(string userId, string channelId) =>
        Members.TryGetValue(userId, out var roles) && Permissions.CanView(userId, roles, channelId);

    /// <summary>The fan-out filter of a channel: who may view it. Built once per snapshot and channel; the answer is
    /// memoised per role set (by reference: members with the same roles share one interned <see cref="RoleSet"/>), so
    /// checking a recipient is one member lookup and one reference-keyed lookup.</summary>
    public Func<string, bool> ViewFilter(string channelId) => _viewFilters.GetOrAdd(channelId, static (channel, snapshot) =>
    {
        var permissions = snapshot.Permissions;
        var members = snapshot.Members;
        var viewable = permissions.Channels.ContainsKey(channel);
        var byRoleSet = new ConcurrentDictionary<RoleSet, bool>(ReferenceEqualityComparer.Instance);
        return userId =>
        {
            if (!viewable || !members.TryGetValue(userId, out var roles))
            {
                return false;
            }

            if (permissions.IsCreator(userId))
            {
                return true;
            }

            return byRoleSet.GetOrAdd(roles, static (r, s) => s.Permissions.RoleSetCanView(r, s.Channel), (Permissions: permissions, Channel: channel));
        };
    }, this);

    public PanelSnapshot WithMembers(ImmutableDictionary<string, RoleSet> members) => new(PanelId, Version + 1, Permissions, members);

    public PanelSnapshot WithPermissions(PanelPermissions permissions) => new(PanelId, Version + 1, permissions, Members);
}
