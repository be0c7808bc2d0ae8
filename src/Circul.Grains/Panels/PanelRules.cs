namespace Circul.Grains.Panels;

/// <summary>The panel's validation rules, pure: limits, names, positions, colors, overrides, invites, the role
/// hierarchy and "no escalation". The panel grain is their only caller; endpoints check request shape only (types,
/// required fields, lengths), so each rule and its error message live here once.</summary>
public static class PanelRules
{
    public const int MaxRoles = 250;
    public const int MaxChannels = 500;
    public const int MaxCategories = 100;
    public const int MaxPosition = 10_000;
    public const int MaxInviteUses = 1000;
    public const string DefaultRoleColor = "#99aab5";
    public static readonly TimeSpan DefaultInviteAge = TimeSpan.FromDays(1);
    public static readonly TimeSpan MaxInviteAge = TimeSpan.FromDays(7);

    /// <summary>Channel names are lower case with dashes for spaces (the name is already trimmed and 1..100 long).</summary>
    public static string ChannelName(string name) => name.ToLowerInvariant().Replace(' ', '-');

    public static void RequireChannelPosition(int? position)
    {
        if (position is < 0 or > MaxPosition)
        {
            throw ApiException.BadRequest($"position must be from 0 to {MaxPosition}");
        }
    }

    /// <summary>A role position asked for in a request (existing roles may sit higher after shifts).</summary>
    public static void RequireRolePosition(int? position)
    {
        if (position < 1)
        {
            throw ApiException.BadRequest("position must be at least 1");
        }

        if (position > MaxPosition)
        {
            throw ApiException.BadRequest($"position must be from 1 to {MaxPosition}");
        }
    }

    public static void RequireColor(string? color)
    {
        if (color is not null && !IsHexColor(color))
        {
            throw ApiException.BadRequest("color must be a hex color like #e05252");
        }
    }

    public static void RequireRoomForChannel(int count)
    {
        if (count >= MaxChannels)
        {
            throw ApiException.BadRequest($"a panel has at most {MaxChannels} channels");
        }
    }

    public static void RequireRoomForCategory(int count)
    {
        if (count >= MaxCategories)
        {
            throw ApiException.BadRequest($"a panel has at most {MaxCategories} categories");
        }
    }

    public static void RequireRoomForRole(int count)
    {
        if (count >= MaxRoles)
        {
            throw ApiException.BadRequest($"a panel has at most {MaxRoles} roles");
        }
    }

    /// <summary>An override's allow and deny never name the same permission.</summary>
    public static void RequireDisjoint(Permission allow, Permission deny)
    {
        if ((allow & deny) != Permission.None)
        {
            throw ApiException.BadRequest("allow and deny must not name the same permission");
        }
    }

    /// <summary>Overrides cannot carry administrator.</summary>
    public static void RequireNoAdministrator(Permission allow, Permission deny)
    {
        if (((allow | deny) & Permission.Administrator) != 0)
        {
            throw ApiException.BadRequest("administrator cannot be set in a channel override");
        }
    }

    /// <summary>An invite's lifetime (default one day; 0 = never expires) and use cap (0 = unlimited).</summary>
    public static TimeSpan InviteAge(int? maxAgeSeconds, int? maxUses)
    {
        var age = maxAgeSeconds is null ? DefaultInviteAge : TimeSpan.FromSeconds(maxAgeSeconds.Value);
        if (age > MaxInviteAge || age < TimeSpan.Zero)
        {
            throw ApiException.BadRequest($"max_age_seconds must be from 0 (never expires) to {(int)MaxInviteAge.TotalSeconds}");
        }

        if (maxUses is < 0 or > MaxInviteUses)
        {
            throw ApiException.BadRequest($"max_uses must be from 0 to {MaxInviteUses}");
        }

        return age;
    }

    public static void RequirePanelPermission(PanelSnapshot snapshot, string userId, Permission permission) =>
        RequireGranted(snapshot.InPanel(userId), permission);

    public static void RequireChannelPermission(PanelSnapshot snapshot, string userId, string channelId, Permission permission) =>
        RequireGranted(snapshot.InChannel(userId, channelId), permission);

    /// <summary>A member's rank in the role hierarchy: its highest role's position (0 without roles); the owner ranks
    /// above everything.</summary>
    public static int Rank(PanelSnapshot snapshot, string userId) =>
        snapshot.Permissions.IsCreator(userId) ? int.MaxValue
        : snapshot.Members.TryGetValue(userId, out var roles) ? snapshot.Permissions.HighestPosition(roles) : 0;

    /// <summary>Role hierarchy: a member manages only roles strictly below its highest role (the owner, all).</summary>
    public static void RequireBelowCaller(PanelSnapshot snapshot, string callerId, int position)
    {
        if (position < 1)
        {
            throw ApiException.BadRequest("position must be at least 1");
        }

        if (position >= Rank(snapshot, callerId))
        {
            throw HierarchyError();
        }
    }

    /// <summary>Where a new role may go: at or below the caller's highest position (every role at or above it then moves
    /// up one, the caller's own included, so the new role still ends up strictly below the caller's).</summary>
    public static void RequireNewRolePosition(PanelSnapshot snapshot, string callerId, int position)
    {
        RequireRolePosition(position);
        if (position > Rank(snapshot, callerId))
        {
            throw HierarchyError();
        }
    }

    public static void RequireOutranks(PanelSnapshot snapshot, string callerId, string targetId)
    {
        if (Rank(snapshot, targetId) >= Rank(snapshot, callerId))
        {
            throw ApiException.Forbidden("role hierarchy: the member's highest role is not below yours");
        }
    }

    /// <summary>No escalation: a member can only grant permissions it has (administrator only by administrators).</summary>
    public static void RequireGrantable(PanelSnapshot snapshot, string callerId, Permission permissions, string field)
    {
        var missing = permissions & ~snapshot.InPanel(callerId);
        if (missing != Permission.None)
        {
            var first = Enum.GetValues<Permission>().First(p => p != Permission.None && p != Permission.All && (missing & p) != 0);
            throw ApiException.Forbidden($"{field}: missing permission: {Permissions.NameOf(first)}");
        }
    }

    /// <summary>An override may only allow or deny what the caller has in that channel (owner and administrators: all).</summary>
    public static void RequireOverrideGrantable(PanelSnapshot snapshot, string callerId, string channelId, Permission allow, Permission deny)
    {
        var ownerOrAdmin = (snapshot.InPanel(callerId) & Permission.Administrator) != 0;
        if (!ownerOrAdmin && ((allow | deny) & ~snapshot.InChannel(callerId, channelId)) != 0)
        {
            throw ApiException.Forbidden("cannot allow or deny permissions you do not have in this channel");
        }
    }

    private static void RequireGranted(Permission granted, Permission permission)
    {
        if ((granted & permission) != permission)
        {
            throw ApiException.Forbidden($"missing permission: {Permissions.NameOf(permission)}");
        }
    }

    private static ApiException HierarchyError() =>
        ApiException.Forbidden("role hierarchy: you can only manage roles below your highest role");

    private static bool IsHexColor(string color) =>
        color.Length == 7 && color[0] == '#' && color.AsSpan(1).ContainsAnyExcept("0123456789abcdefABCDEF") is false;
}
