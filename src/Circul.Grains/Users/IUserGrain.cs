using Orleans;
using Circul.Contracts;
using Circul.Storage;

namespace Circul.Grains.Users;

/// <summary>One per user: profile, presence, and who the user can see.</summary>
[Alias("circul.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>The user object with its effective status; null when the user does not exist or was deleted.</summary>
    Task<UserDto?> GetAsync();

    /// <summary>The stored row (null when absent or deleted).</summary>
    Task<UserRecord?> GetRecordAsync();

    /// <summary>The summary embedded in messages.</summary>
    Task<SenderDto> GetSenderAsync();

    Task<UserDto> UpdateProfileAsync(ProfileChange change);

    /// <summary>Sets (or with "" clears) the avatar or banner URL.</summary>
    Task<UserDto> SetImageAsync(ImageKind kind, string url);

    Task<UserRecord> UpdateAppAsync(AppChange change);

    /// <summary>Marks the user deleted (bot applications).</summary>
    Task DeleteAsync();

    /// <summary>A gateway connection opened on <paramref name="silo"/> (its parsable address).</summary>
    Task ConnectedAsync(string silo);

    /// <summary>A gateway connection closed on <paramref name="silo"/>.</summary>
    Task DisconnectedAsync(string silo);

    /// <summary>Takes one of the token's socket places cluster-wide: false when the token holds <paramref name="max"/>
    /// sockets already, on whatever silos.</summary>
    Task<bool> TryReserveSocketAsync(string tokenHash, string silo, int max);

    /// <summary>Gives back a place taken with <see cref="TryReserveSocketAsync"/>.</summary>
    Task ReleaseSocketAsync(string tokenHash, string silo);

    /// <summary><paramref name="silo"/> died: its connections are gone. Idempotent: the first call for a silo may
    /// take the user offline (one status_change), later ones change nothing.</summary>
    Task SiloGoneAsync(string silo);

    /// <summary>Whether this user may see <paramref name="otherUserId"/> (itself, its owner or bots, anyone it shares a room with).</summary>
    Task<bool> CanSeeAsync(string otherUserId);

    /// <summary>Everyone this user can see, itself excluded.</summary>
    Task<IReadOnlyList<string>> GetContactsAsync();

    /// <summary>Called when this user starts sharing a room with these users.</summary>
    Task AddContactsAsync(IReadOnlyCollection<string> userIds);

    /// <summary>Called when this user stops sharing a room with someone: contacts are reloaded on next use.</summary>
    Task InvalidateContactsAsync();

    /// <summary>The panels this user is a member of, as stored (the user's panel list).</summary>
    Task<IReadOnlyList<string>> ListPanelIdsAsync();

    /// <summary>The DMs and groups this user is a member of, as stored (the user's conversation list).</summary>
    Task<IReadOnlyList<string>> ListConversationIdsAsync();

    /// <summary>Called by a panel when this user joins it.</summary>
    Task JoinedPanelAsync(string panelId);

    /// <summary>Called by a panel when this user leaves it (or it is deleted).</summary>
    Task LeftPanelAsync(string panelId);
}
