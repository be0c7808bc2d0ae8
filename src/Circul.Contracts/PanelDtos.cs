namespace Circul.Contracts;

/// <summary>A role of a panel.</summary>
public sealed record RoleDto(string Id, string Name, string Color, int Position, IReadOnlyList<string> Permissions);

/// <summary>A category and its channels, in order.</summary>
public sealed record CategoryDto(string Id, string Name, IReadOnlyList<string> ChannelIds);

/// <summary>A panel (Discord-style server).</summary>
public sealed record PanelDto(
    string Id, string Name, string CreatorId, IReadOnlyList<string> MemberIds, int MemberCount, IReadOnlyList<RoleDto> Roles,
    IReadOnlyList<CategoryDto> Categories, IReadOnlyDictionary<string, IReadOnlyList<string>> MemberRoles,
    IReadOnlyList<string> EveryonePermissions);

/// <summary>A channel's permission override for one role (<c>everyone</c> for the everyone role).</summary>
public sealed record OverrideDto(string RoleId, IReadOnlyList<string> Allow, IReadOnlyList<string> Deny);

/// <summary>A text channel of a panel; <see cref="UnreadCount"/> is for the caller.</summary>
public sealed record ChannelDto(
    string Id, string PanelId, string Name, string? CategoryId, string Topic, int Position, IReadOnlyList<OverrideDto> Overrides,
    int UnreadCount);

/// <summary>A panel member.</summary>
public sealed record PanelMemberDto(string Id, string Name, string Status, bool IsBot, string? OwnerId, IReadOnlyList<string> RoleIds);

/// <summary>An invite code.</summary>
public sealed record InviteDto(string Code, string PanelId, DateTimeOffset? ExpiresAt, int MaxUses, int Uses);
