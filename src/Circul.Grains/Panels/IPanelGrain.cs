using Orleans;
using Orleans.Concurrency;
using Circul.Contracts;

namespace Circul.Grains.Panels;

/// <summary>One per panel: members, roles, member roles, categories, channels and their overrides, bans, invites; the
/// permission function and its immutable snapshot. Every method checks the caller: non-members get 404.</summary>
[Alias("circul.IPanelGrain")]
public interface IPanelGrain : IGrainWithStringKey
{
    Task<PanelDto> CreateAsync(string creatorId, string name);

    Task<PanelDto> GetAsync(string callerId);

    /// <summary>The snapshot of <paramref name="version"/> if this activation still has it, else the current one (0: the
    /// current one); 404 for unknown panels. Silos that lack a version fetch it here once.</summary>
    Task<PanelSnapshotData> GetSnapshotAsync(long version);

    Task<PanelDto> UpdateAsync(string callerId, string? name, Permission? everyonePermissions);

    Task DeleteAsync(string callerId);

    /// <summary>The channels the caller can view, in display order, with its unread counts.</summary>
    /// <remarks>Interleaves: it reads the panel in its synchronous part and then only waits for the unread-count query,
    /// so the panel's other calls need not queue behind a database read.</remarks>
    [AlwaysInterleave]
    Task<IReadOnlyList<ChannelDto>> ListChannelsAsync(string callerId);

    Task<ChannelDto> CreateChannelAsync(string callerId, string name, string? categoryId, string? topic);

    Task<ChannelDto> UpdateChannelAsync(string callerId, string channelId, ChannelChange change);

    Task DeleteChannelAsync(string callerId, string channelId);

    Task<CategoryDto> CreateCategoryAsync(string callerId, string name);

    Task<CategoryDto> UpdateCategoryAsync(string callerId, string categoryId, string name);

    Task DeleteCategoryAsync(string callerId, string categoryId);

    Task<ChannelDto> PutOverrideAsync(string callerId, string channelId, string roleId, Permission allow, Permission deny);

    Task<ChannelDto> DeleteOverrideAsync(string callerId, string channelId, string roleId);

    Task<RoleDto> CreateRoleAsync(string callerId, RoleChange role);

    Task<RoleDto> UpdateRoleAsync(string callerId, string roleId, RoleChange change);

    Task DeleteRoleAsync(string callerId, string roleId);

    Task<IReadOnlyList<PanelMemberDto>> ListMembersAsync(string callerId);

    Task<PanelMemberDto> AddMemberRoleAsync(string callerId, string userId, string roleId);

    Task<PanelMemberDto> RemoveMemberRoleAsync(string callerId, string userId, string roleId);

    Task<InviteDto> CreateInviteAsync(string callerId, int? maxAgeSeconds, int? maxUses);

    /// <summary>Joins by an invite code of this panel, as <see cref="IInviteGrain"/> found it: bans, membership and the
    /// code's expiry and uses are checked here, and the use counted.</summary>
    Task<PanelDto> JoinByInviteAsync(string userId, string code);

    /// <summary>Adds a bot directly (needs manage_panel; also the OAuth "Authorize"). Returns the new member, not the
    /// whole panel, so that the cost of an add does not grow with the member count.</summary>
    Task<PanelMemberDto> AddBotAsync(string callerId, string botId);

    /// <summary>The panel's name when the caller may add <paramref name="botId"/> here through OAuth (member with
    /// <c>manage_panel</c>, the bot neither a member nor banned), else null. Reads only.</summary>
    Task<string?> GetBotInstallTargetAsync(string callerId, string botId);

    /// <summary>The OAuth consent's join: the same join as <see cref="AddBotAsync"/> (<c>panel_member_joined</c> and
    /// the system message) without its visibility rule, since the consent page is how a stranger's bot is added.
    /// Returns the panel's name.</summary>
    Task<string> AuthorizeBotAsync(string callerId, string botId);

    /// <summary>Kick (needs kick_members) or leave (the member itself).</summary>
    Task RemoveMemberAsync(string callerId, string userId);

    Task BanAsync(string callerId, string userId, string reason);
}
