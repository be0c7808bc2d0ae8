using Circul.Contracts;
using Circul.Grains.Events;
using Circul.Grains.Panels;
using Circul.Storage;
using Microsoft.Extensions.Options;
using Orleans;

namespace Circul.Grains.Users;

/// <summary>Owns a user's profile and presence. Presence: while connected, the chosen status (default online);
/// while not connected, offline, unless the user set a status over REST since its last connection closed.
/// Visibility: direct contacts (owner, own bots, DM and group peers) are cached here; panel peers come from the
/// panels' snapshots, so that a join in a 10,000-member panel does not touch 10,000 user grains.</summary>
public sealed class UserGrain(
    IUserStore users,
    IConversationStore conversations,
    IPanelStore panels,
    PanelSnapshotCache panelSnapshots,
    IEventPublisher events,
    IPresenceStore presenceRows,
    IDurableWriter writer,
    IOptions<PresenceOptions> presence) : Grain, IUserGrain
{
    // Open gateway connections per silo, mirrored in presence_connections so that a live silo can find them when a
    // silo dies (and this grain can be rebuilt elsewhere).
    private readonly Dictionary<string, int> _connectionsBySilo = new(StringComparer.Ordinal);

    // Sockets per token and silo, for the cluster-wide cap (Circul:Gateway:MaxSocketsPerToken). In memory only: after
    // this grain moves (its silo died) the count starts again from the sockets opened since.
    private readonly Dictionary<string, Dictionary<string, int>> _socketsByToken = new(StringComparer.Ordinal);
    private UserRecord? _user;
    private int _connections;
    private HashSet<string>? _contacts;
    private HashSet<string>? _panelIds;
    private string? _grainKey;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(GrainKey, cancellationToken);
        _user = user is { Deleted: false } ? user : null;
        foreach (var (silo, count) in await presenceRows.GetConnectionsAsync(GrainKey, cancellationToken))
        {
            _connectionsBySilo[silo] = count;
            _connections += count;
        }

        KeepAliveWhileConnected();
    }

    public Task<UserDto?> GetAsync() => Task.FromResult(_user is null ? null : ToDto(_user));

    public Task<UserRecord?> GetRecordAsync() => Task.FromResult(_user);

    public Task<SenderDto> GetSenderAsync()
    {
        var user = Require();
        return Task.FromResult(new SenderDto(user.Id, user.Name, user.IsBot, user.AvatarUrl));
    }

    public async Task<UserDto> UpdateProfileAsync(ProfileChange change)
    {
        var before = Require();
        var statusBefore = EffectiveStatus(before);
        var after = before with
        {
            Name = change.Name ?? before.Name,
            Bio = change.Bio ?? before.Bio,
            Mood = change.Mood ?? before.Mood,
            Status = change.Status ?? before.Status,
            RestPresence = change.Status is not null && _connections == 0 ? true : before.RestPresence,
        };
        await SaveAsync(after);

        var profileChanged = after.Name != before.Name || after.Bio != before.Bio || after.Mood != before.Mood;
        await PublishChangesAsync(statusBefore, profileChanged, avatarChanged: false);
        return ToDto(after);
    }

    public async Task<UserDto> SetImageAsync(ImageKind kind, string url)
    {
        var before = Require();
        var after = kind == ImageKind.Avatar ? before with { AvatarUrl = url } : before with { BannerUrl = url };
        await SaveAsync(after);
        await PublishChangesAsync(EffectiveStatus(before), profileChanged: true, avatarChanged: kind == ImageKind.Avatar);
        return ToDto(after);
    }

    public async Task<UserRecord> UpdateAppAsync(AppChange change)
    {
        var before = Require();
        var after = before with
        {
            Name = change.Name ?? before.Name,
            Description = change.Description ?? before.Description,
            RedirectUris = change.RedirectUris ?? before.RedirectUris,
        };
        await SaveAsync(after);
        if (after.Name != before.Name)
        {
            await PublishChangesAsync(EffectiveStatus(before), profileChanged: true, avatarChanged: false);
        }

        return _user!;
    }

    public async Task DeleteAsync()
    {
        var before = Require();
        var statusBefore = EffectiveStatus(before);
        await SaveAsync(before with { Deleted = true });
        var audience = await AudienceAsync();
        if (statusBefore != UserStatuses.Offline)
        {
            events.Publish(OutboundEvent.Create(EventTypes.StatusChange, new StatusChangePayload(before.Id, UserStatuses.Offline), audience));
        }

        _user = null;
        DeactivateOnIdle();
    }

    public async Task ConnectedAsync(string silo)
    {
        var user = Require();
        var before = EffectiveStatus(user);
        await SetConnectionsAsync(silo, _connectionsBySilo.GetValueOrDefault(silo) + 1);
        await PublishChangesAsync(before, profileChanged: false, avatarChanged: false);
    }

    public async Task DisconnectedAsync(string silo)
    {
        if (_connectionsBySilo.GetValueOrDefault(silo) == 0)
        {
            return;
        }

        if (_user is null)
        {
            await SetConnectionsAsync(silo, _connectionsBySilo[silo] - 1);
            return;
        }

        var before = EffectiveStatus(_user);
        await SetConnectionsAsync(silo, _connectionsBySilo[silo] - 1);
        if (_connections == 0 && _user.RestPresence)
        {
            await SaveAsync(_user with { RestPresence = false });
        }

        await PublishChangesAsync(before, profileChanged: false, avatarChanged: false);
    }

    public Task<bool> TryReserveSocketAsync(string tokenHash, string silo, int max)
    {
        if (!_socketsByToken.TryGetValue(tokenHash, out var bySilo))
        {
            _socketsByToken[tokenHash] = bySilo = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        if (bySilo.Values.Sum() >= max)
        {
            return Task.FromResult(false);
        }

        bySilo[silo] = bySilo.GetValueOrDefault(silo) + 1;
        DelayDeactivation(TimeSpan.MaxValue);
        return Task.FromResult(true);
    }

    public Task ReleaseSocketAsync(string tokenHash, string silo)
    {
        if (_socketsByToken.TryGetValue(tokenHash, out var bySilo) && bySilo.TryGetValue(silo, out var count))
        {
            if (count <= 1)
            {
                bySilo.Remove(silo);
            }
            else
            {
                bySilo[silo] = count - 1;
            }

            if (bySilo.Count == 0)
            {
                _socketsByToken.Remove(tokenHash);
            }
        }

        KeepAliveWhileConnected();
        return Task.CompletedTask;
    }

    public async Task SiloGoneAsync(string silo)
    {
        foreach (var (token, bySilo) in _socketsByToken.ToList())
        {
            if (bySilo.Remove(silo) && bySilo.Count == 0)
            {
                _socketsByToken.Remove(token);
            }
        }

        if (!_connectionsBySilo.ContainsKey(silo))
        {
            return;
        }

        if (_user is null)
        {
            await SetConnectionsAsync(silo, 0);
            return;
        }

        var before = EffectiveStatus(_user);
        await SetConnectionsAsync(silo, 0);
        if (_connections == 0 && _user.RestPresence)
        {
            await SaveAsync(_user with { RestPresence = false });
        }

        await PublishChangesAsync(before, profileChanged: false, avatarChanged: false);
    }

    public async Task<bool> CanSeeAsync(string otherUserId)
    {
        if (_user is null)
        {
            return false;
        }

        if (otherUserId == GrainKey || (await LoadContactsAsync()).Contains(otherUserId))
        {
            return true;
        }

        var panelIds = await LoadPanelIdsAsync();
        if (panelIds.Count == 0)
        {
            return false;
        }

        var allCached = true;
        foreach (var panelId in panelIds)
        {
            if (!panelSnapshots.TryGet(panelId, out var snapshot))
            {
                allCached = false;
            }
            else if (snapshot.IsMember(otherUserId))
            {
                return true;
            }
        }

        return !allCached && await panels.SharePanelAsync(GrainKey, otherUserId);
    }

    public async Task<IReadOnlyList<string>> GetContactsAsync()
    {
        if (_user is null)
        {
            return [];
        }

        var all = new HashSet<string>(await LoadContactsAsync(), StringComparer.Ordinal);
        foreach (var panelId in await LoadPanelIdsAsync())
        {
            all.UnionWith(await PanelMembersAsync(panelId));
        }

        all.Remove(GrainKey);
        return [.. all];
    }

    public Task AddContactsAsync(IReadOnlyCollection<string> userIds)
    {
        if (_contacts is not null)
        {
            foreach (var id in userIds)
            {
                if (id != GrainKey)
                {
                    _contacts.Add(id);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task InvalidateContactsAsync()
    {
        _contacts = null;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListPanelIdsAsync() => panels.ListPanelIdsAsync(GrainKey);

    public Task<IReadOnlyList<string>> ListConversationIdsAsync() => conversations.ListConversationIdsAsync(GrainKey);

    public Task JoinedPanelAsync(string panelId)
    {
        _panelIds?.Add(panelId);
        return Task.CompletedTask;
    }

    public Task LeftPanelAsync(string panelId)
    {
        _panelIds?.Remove(panelId);
        return Task.CompletedTask;
    }

    private async Task<HashSet<string>> LoadPanelIdsAsync() =>
        _panelIds ??= new HashSet<string>(await panels.ListPanelIdsAsync(GrainKey), StringComparer.Ordinal);

    private async Task<IReadOnlyCollection<string>> PanelMembersAsync(string panelId)
    {
        if (panelSnapshots.TryGet(panelId, out var snapshot))
        {
            return snapshot.MemberSet;
        }

        return [.. (await panels.GetMembersAsync(panelId)).Select(m => m.UserId)];
    }

    private async Task<HashSet<string>> LoadContactsAsync()
    {
        if (_contacts is not null)
        {
            return _contacts;
        }

        var user = Require();
        var contacts = new HashSet<string>(await conversations.ListConversationPeersAsync(user.Id), StringComparer.Ordinal);
        if (user.OwnerId is not null)
        {
            contacts.Add(user.OwnerId);
        }

        if (!user.IsBot)
        {
            foreach (var bot in await users.ListBotsAsync(user.Id))
            {
                contacts.Add(bot.Id);
            }
        }

        contacts.Remove(user.Id);
        _contacts = contacts;
        return contacts;
    }

    /// <summary>Presence audience: the user, its direct contacts, and members of its panels up to the size threshold.</summary>
    private async Task<EventAudience> AudienceAsync()
    {
        var audience = new HashSet<string>(await LoadContactsAsync(), StringComparer.Ordinal) { GrainKey };
        var threshold = presence.Value.LargePanelThreshold;
        var uncached = false;
        foreach (var panelId in await LoadPanelIdsAsync())
        {
            if (!panelSnapshots.TryGet(panelId, out var snapshot))
            {
                uncached = true;
            }
            else if (snapshot.MemberSet.Count <= threshold)
            {
                audience.UnionWith(snapshot.MemberSet);
            }
        }

        // Panels not active on this silo: one query that applies the size threshold in the database, rather than
        // loading every member of every such panel only to find it is too large.
        if (uncached)
        {
            audience.UnionWith(await panels.ListPanelPeersAsync(GrainKey, threshold));
        }

        return EventAudience.Users(audience);
    }

    private async Task PublishChangesAsync(string statusBefore, bool profileChanged, bool avatarChanged)
    {
        var user = Require();
        var statusAfter = EffectiveStatus(user);
        if (statusAfter == statusBefore && !profileChanged && !avatarChanged)
        {
            return;
        }

        var audience = await AudienceAsync();
        if (statusAfter != statusBefore)
        {
            events.Publish(OutboundEvent.Create(EventTypes.StatusChange, new StatusChangePayload(user.Id, statusAfter), audience));
        }

        if (avatarChanged)
        {
            events.Publish(OutboundEvent.Create(EventTypes.AvatarUpdated, new AvatarUpdatedPayload(user.Id, user.AvatarUrl), audience));
        }

        if (profileChanged)
        {
            events.Publish(OutboundEvent.Create(EventTypes.UserUpdated, ToDto(user), audience));
        }
    }

    private async Task SaveAsync(UserRecord user)
    {
        var version = await users.UpdateUserAsync(user, user.Version);
        _user = user with { Version = version };
    }

    private string GrainKey => _grainKey ??= this.GetPrimaryKeyString();

    /// <summary>Records the connection count on a silo, durably first (a count the row does not hold would be lost
    /// if this grain moved).</summary>
    private async Task SetConnectionsAsync(string silo, int count)
    {
        await writer.SubmitAsync(new SetPresenceOp(GrainKey, silo, count));
        _connections += count - _connectionsBySilo.GetValueOrDefault(silo);
        if (count > 0)
        {
            _connectionsBySilo[silo] = count;
        }
        else
        {
            _connectionsBySilo.Remove(silo);
        }

        KeepAliveWhileConnected();
    }

    /// <summary>The connection count lives only here and the gateway does not call while a socket is quiet: the grain
    /// stays active while connected, and is collected as usual once the last connection closed.</summary>
    private void KeepAliveWhileConnected() =>
        DelayDeactivation(_connections > 0 || _socketsByToken.Count > 0 ? TimeSpan.MaxValue : TimeSpan.Zero);

    private UserRecord Require() => _user ?? throw ApiException.NotFound("user");

    private string EffectiveStatus(UserRecord user) =>
        _connections > 0 || user.RestPresence ? user.Status : UserStatuses.Offline;

    private UserDto ToDto(UserRecord user) =>
        new(user.Id, user.Name, user.IsBot, user.OwnerId, EffectiveStatus(user), user.Mood, user.Bio, user.AvatarUrl, user.BannerUrl);
}
