namespace Circul.Storage;

/// <summary>Panel membership, bans and invites. The panel's small document (name, roles, categories, channels,
/// overrides) is grain state (<see cref="IGrainStateStore"/>, grain type "PanelGrain").</summary>
public interface IPanelStore
{
    /// <summary>Every member of a panel, in join order.</summary>
    Task<IReadOnlyList<PanelMemberRecord>> GetMembersAsync(string panelId, CancellationToken cancellationToken = default);

    /// <summary>Adds a member (no roles); returns false if already a member.</summary>
    Task<bool> AddMemberAsync(string panelId, string userId, DateTimeOffset joinedAt, CancellationToken cancellationToken = default);

    /// <summary>Removes a member; returns false if not a member.</summary>
    Task<bool> RemoveMemberAsync(string panelId, string userId, CancellationToken cancellationToken = default);

    /// <summary>Replaces one member's role ids (one row written).</summary>
    Task SetMemberRolesAsync(string panelId, string userId, IReadOnlyList<string> roleIds, CancellationToken cancellationToken = default);

    /// <summary>Removes a role id from every member that has it (when a role is deleted).</summary>
    Task RemoveRoleFromMembersAsync(string panelId, string roleId, CancellationToken cancellationToken = default);

    /// <summary>The panels a user is a member of.</summary>
    Task<IReadOnlyList<string>> ListPanelIdsAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Distinct ids of every other member of the panels <paramref name="userId"/> is in, for panels with at most
    /// <paramref name="maxPanelSize"/> members (presence does not fan out through larger ones).</summary>
    Task<IReadOnlyList<string>> ListPanelPeersAsync(string userId, int maxPanelSize, CancellationToken cancellationToken = default);

    /// <summary>Whether two users share at least one panel.</summary>
    Task<bool> SharePanelAsync(string userId, string otherUserId, CancellationToken cancellationToken = default);

    Task AddBanAsync(PanelBanRecord ban, CancellationToken cancellationToken = default);

    Task<bool> IsBannedAsync(string panelId, string userId, CancellationToken cancellationToken = default);

    Task CreateInviteAsync(PanelInviteRecord invite, CancellationToken cancellationToken = default);

    Task<PanelInviteRecord?> GetInviteAsync(string code, CancellationToken cancellationToken = default);

    /// <summary>Counts one use of an invite if it is still valid at <paramref name="now"/> (not expired, uses left):
    /// one conditional UPDATE, so concurrent accepts cannot overuse it. Returns whether a use was counted.</summary>
    Task<bool> TryUseInviteAsync(string code, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes a panel's members and invites (bans are kept).</summary>
    Task DeletePanelAsync(string panelId, CancellationToken cancellationToken = default);
}
