using Orleans;

namespace Circul.Storage;

// Panel rows: members, bans and invites grow without bound, so they are rows written as deltas.

/// <summary>A panel member and its role ids.</summary>
[GenerateSerializer, Immutable, Alias("circul.PanelMemberRecord")]
public sealed record PanelMemberRecord(string PanelId, string UserId, IReadOnlyList<string> RoleIds, DateTimeOffset JoinedAt);

/// <summary>A ban: the user cannot rejoin by invite, OAuth or direct add.</summary>
[GenerateSerializer, Immutable, Alias("circul.PanelBanRecord")]
public sealed record PanelBanRecord(string PanelId, string UserId, string Reason, string BannedBy, DateTimeOffset CreatedAt);

/// <summary>An invite code. <see cref="MaxUses"/> 0 means unlimited; <see cref="ExpiresAt"/> null means never.</summary>
[GenerateSerializer, Immutable, Alias("circul.PanelInviteRecord")]
public sealed record PanelInviteRecord(
    string Code, string PanelId, string CreatorId, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, int MaxUses, int Uses);
