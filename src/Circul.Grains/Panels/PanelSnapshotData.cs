using Orleans;

namespace Circul.Grains.Panels;

/// <summary>A panel snapshot as it crosses silos: the permission inputs and each member's role ids. Built fresh from an
/// immutable <see cref="PanelSnapshot"/> and never changed, so a same-silo call passes it without a copy.</summary>
[GenerateSerializer, Immutable, Alias("circul.PanelSnapshotData")]
public sealed record PanelSnapshotData(
    string PanelId,
    long Version,
    string Name,
    string CreatorId,
    Permission Everyone,
    RoleState[] Roles,
    ChannelState[] Channels,
    Dictionary<string, string[]> MemberRoles)
{
    public static PanelSnapshotData From(PanelSnapshot snapshot)
    {
        var p = snapshot.Permissions;
        var members = new Dictionary<string, string[]>(snapshot.Members.Count, StringComparer.Ordinal);
        foreach (var (userId, roles) in snapshot.Members)
        {
            members[userId] = [.. roles.RoleIds];
        }

        return new PanelSnapshotData(
            snapshot.PanelId, snapshot.Version, p.PanelName, p.CreatorId, p.Everyone, [.. p.Roles.Values], [.. p.Channels.Values], members);
    }

    /// <summary>The snapshot again, with members sharing one <see cref="RoleSet"/> per distinct combination.</summary>
    public PanelSnapshot ToSnapshot()
    {
        var interned = new Dictionary<string, RoleSet>(StringComparer.Ordinal) { [""] = RoleSet.Empty };
        var builder = System.Collections.Immutable.ImmutableDictionary.CreateBuilder<string, RoleSet>(StringComparer.Ordinal);
        foreach (var (userId, roleIds) in MemberRoles)
        {
            var roles = RoleSet.Of(roleIds);
            if (!interned.TryGetValue(roles.Key, out var shared))
            {
                interned[roles.Key] = shared = roles;
            }

            builder[userId] = shared;
        }

        var permissions = new PanelPermissions(Name, CreatorId, Everyone, Roles, Channels);
        return new PanelSnapshot(PanelId, Version, permissions, builder.ToImmutable());
    }
}
