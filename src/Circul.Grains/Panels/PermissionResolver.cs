namespace Circul.Grains.Panels;

/// <summary>The permission function of API section 7, pure: the same function answers REST checks and event fan-out.</summary>
public static class PermissionResolver
{
    public const string EveryoneRoleId = "everyone";

    /// <summary>Panel-wide permissions (no channel): owner and administrator get everything.</summary>
    public static Permission ResolvePanel(bool isOwner, Permission everyone, IEnumerable<Permission> memberRolePermissions)
    {
        if (isOwner)
        {
            return Permission.All;
        }

        var basePermissions = everyone;
        foreach (var role in memberRolePermissions)
        {
            basePermissions |= role;
        }

        return (basePermissions & Permission.Administrator) != 0 ? Permission.All : basePermissions;
    }

    /// <summary>Permissions in one channel.</summary>
    /// <param name="isOwner">The member created the panel.</param>
    /// <param name="everyone">The everyone role's permissions.</param>
    /// <param name="memberRolePermissions">The permissions of each of the member's roles.</param>
    /// <param name="everyoneOverride">The channel's override for everyone, if any.</param>
    /// <param name="memberRoleOverrides">The channel's overrides for the member's roles.</param>
    public static Permission ResolveChannel(
        bool isOwner,
        Permission everyone,
        IEnumerable<Permission> memberRolePermissions,
        ChannelOverride? everyoneOverride,
        IEnumerable<ChannelOverride> memberRoleOverrides)
    {
        // 1. owner or administrator: everything.
        var permissions = ResolvePanel(isOwner, everyone, memberRolePermissions);
        if (permissions == Permission.All)
        {
            return Permission.All;
        }

        // 3. everyone's override: remove its deny, then add its allow.
        if (everyoneOverride is not null)
        {
            permissions = (permissions & ~everyoneOverride.Deny) | everyoneOverride.Allow;
        }

        // 4. the member's roles' overrides together: remove the union of denies, then add the union of allows.
        var deny = Permission.None;
        var allow = Permission.None;
        foreach (var o in memberRoleOverrides)
        {
            deny |= o.Deny;
            allow |= o.Allow;
        }

        permissions = (permissions & ~deny) | allow;

        // 5. without view_channel, nothing at all.
        return (permissions & Permission.ViewChannel) == 0 ? Permission.None : permissions;
    }
}
