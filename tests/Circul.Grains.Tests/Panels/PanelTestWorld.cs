using System.Collections.Immutable;
using Circul.Grains.Panels;

namespace Circul.Grains.Tests.Panels;

/// <summary>A small panel for the pure helpers' tests: everyone has the defaults; <c>role-mod</c> (position 2) may view
/// <c>ch-secret</c>, which everyone else may not; <c>role-helper</c> (position 1) has manage_channels.</summary>
internal static class PanelTestWorld
{
    public const string Owner = "u-owner";
    public const string Mod = "role-mod";
    public const string Helper = "role-helper";
    public const string General = "ch-general";
    public const string Secret = "ch-secret";

    public static PanelState State(Permission everyone = Permissions.EveryoneDefault) => new()
    {
        Name = "test panel",
        CreatorId = Owner,
        Everyone = everyone,
        Roles =
        [
            new RoleState(Mod, "mod", "#ff0000", 2, Permission.ManageMessages | Permission.ManageRoles),
            new RoleState(Helper, "helper", "#00ff00", 1, Permission.ManageChannels),
        ],
        Channels =
        [
            new ChannelState(General, "general", null, "", 0, []),
            new ChannelState(Secret, "secret", null, "", 1,
            [
                new ChannelOverride(PermissionResolver.EveryoneRoleId, Permission.None, Permission.ViewChannel),
                new ChannelOverride(Mod, Permission.ViewChannel, Permission.None),
            ]),
        ],
    };

    public static PanelSnapshot Snapshot(PanelState state, long version, params (string UserId, RoleSet Roles)[] members)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, RoleSet>(StringComparer.Ordinal);
        builder[Owner] = RoleSet.Empty;
        foreach (var (userId, roles) in members)
        {
            builder[userId] = roles;
        }

        return new PanelSnapshot("panel-test", version, new PanelPermissions(state), builder.ToImmutable());
    }
}
