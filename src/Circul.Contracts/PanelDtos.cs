using Orleans;

namespace Circul.Contracts;

/// <summary>A role of a panel.</summary>
[GenerateSerializer, Immutable, Alias("circul.RoleDto")]
public sealed record RoleDto(string Id, string Name, string Color, int Position, IReadOnlyList<string> Permissions);

/// <summary>A category and its channels, in order.</summary>
[GenerateSerializer, Immutable, Alias("circul.CategoryDto")]
public sealed record CategoryDto(string Id, string Name, IReadOnlyList<string> ChannelIds);

/// <summary>A panel (Discord-style server).</summary>
[GenerateSerializer, Immutable, Alias("circul.PanelDto")]
public sealed record PanelDto(
    string Id, string Name, string CreatorId, IReadOnlyList<string> MemberIds, int MemberCount, IReadOnlyList<RoleDto> Roles,
    IReadOnlyList<CategoryDto> Categories, IReadOnlyDictionary<string, IReadOnlyList<string>> MemberRoles,
    IReadOnlyList<string> EveryonePermissions);

/// <summary>A channel's permission override for one role (<c>everyone</c> for the everyone role).</summary>
[GenerateSerializer, Immutable, Alias("circul.OverrideDto")]
public sealed record OverrideDto(string RoleId, IReadOnlyList<string> Allow, IReadOnlyList<string> Deny);

/// <summary>A text channel of a panel; <see cref="UnreadCount"/> is for the caller.</summary>
[GenerateSerializer, Immutable, Alias("circul.ChannelDto")]
public sealed record ChannelDto(
    string Id, string PanelId, string Name, string? CategoryId, string Topic, int Position, IReadOnlyList<OverrideDto> Overrides,
    int UnreadCount);

/// <summary>A panel member.</summary>
[GenerateSerializer, Immutable, Alias("circul.PanelMemberDto")]
public sealed record PanelMemberDto(string Id, string Name, string Status, bool IsBot, string? OwnerId, IReadOnlyList<string> RoleIds);

/// <summary>An invite code.</summary>
[GenerateSerializer, Immutable, Alias("circul.InviteDto")]
public sealed record InviteDto(string Code, string PanelId, DateTimeOffset? ExpiresAt, int MaxUses, int Uses);

/// <summary>A ban, as the ban route answers it.</summary>
[GenerateSerializer, Immutable, Alias("circul.PanelBanDto")]
public sealed record PanelBanDto(string PanelId, string UserId, string Reason);
