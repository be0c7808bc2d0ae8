using Circul.Contracts;
using Circul.Grains.Conversations;
using Circul.Grains.Events;
using Circul.Grains.Hosting;
using Circul.Grains.Users;
using Circul.Storage;
using Orleans;
using Orleans.Runtime;

namespace Circul.Grains.Panels;

/// <summary>Owns a panel. The document (roles, categories, channels, overrides) is grain state; members, bans and
/// invites are rows. Every change builds a new immutable <see cref="PanelSnapshot"/> and publishes it to the silo's
/// <see cref="PanelSnapshotCache"/>; a member join costs one row and an O(log n) snapshot update. The rules live in
/// <see cref="PanelRules"/>, the members in <see cref="RoleSetIndex"/>, event audiences in <see cref="PanelAudiences"/>
/// and wire objects in <see cref="PanelViews"/>: this class decides the order, writes, and publishes.</summary>
public sealed class PanelGrain(
    IPanelStore store,
    IMessageStore messages,
    IEventPublisher events,
    PanelSnapshotCache cache,
    TimeProvider time,
    // The storage name stays the grain class's, as the rows written before Orleans were keyed.
    [PersistentState("PanelGrain", CirculGrainStorage.ProviderName)] IPersistentState<PanelState> document) : Grain, IPanelGrain, IAnnouncesSnapshots
{
    private readonly RoleSetIndex _members = new();
    private PanelSnapshot? _snapshot;
    private string? _grainKey;
    private Task _pendingAnnouncement = Task.CompletedTask;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await LoadMembersAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        cache.Remove(GrainKey);
        return Task.CompletedTask;
    }

    public async Task<PanelDto> CreateAsync(string creatorId, string name)
    {
        if (document.RecordExists)
        {
            throw ApiException.Conflict("panel exists");
        }

        var channelId = Ids.NewId("ch-");
        var categoryId = Ids.NewId("cat-");
        document.State = new PanelState
        {
            Name = name,
            CreatorId = creatorId,
            Categories = [new CategoryState(categoryId, "Text", [channelId])],
            Channels = [new ChannelState(channelId, "general", categoryId, "", 0, [])],
            CreatedAt = time.GetUtcNow(),
        };
        await document.WriteStateAsync();
        await store.AddMemberAsync(GrainKey, creatorId, time.GetUtcNow());
        _members.Put(creatorId, RoleSet.Empty);
        RebuildSnapshot();
        await GrainFactory.GetGrain<IUserGrain>(creatorId).JoinedPanelAsync(GrainKey);
        return PanelViews.PanelFor(creatorId, State, _snapshot!);
    }

    public Task<PanelDto> GetAsync(string callerId)
    {
        RequireMember(callerId);
        return Task.FromResult(PanelViews.PanelFor(callerId, State, _snapshot!));
    }

    public Task<PanelSnapshotData> GetSnapshotAsync(long version)
    {
        RequirePanel();
        var snapshot = version != 0 && cache.TryGet(GrainKey, version, out var kept) ? kept : _snapshot!;
        return Task.FromResult(PanelSnapshotData.From(snapshot));
    }

    public async Task<PanelDto> UpdateAsync(string callerId, string? name, Permission? everyonePermissions)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManagePanel);
        if (everyonePermissions is { } everyone)
        {
            RequirePanelPermission(callerId, Permission.ManageRoles);
            PanelRules.RequireGrantable(_snapshot!, callerId, everyone, "everyone_permissions");
            State.Everyone = everyone;
        }

        State.Name = name ?? State.Name;
        var before = await SaveDocumentAsync();
        PublishPanelUpdated();
        PublishViewChanges(PanelAudiences.ViewChanges(before, _snapshot!, ChannelIds(), _members.InUse));
        return PanelViews.PanelFor(callerId, State, _snapshot!);
    }

    public async Task DeleteAsync(string callerId)
    {
        RequireMember(callerId);
        if (!_snapshot!.Permissions.IsCreator(callerId))
        {
            throw ApiException.Forbidden("only the owner can delete a panel");
        }

        var formerMembers = _snapshot!.MemberSet;
        State.Deleted = true;
        await document.WriteStateAsync();
        await store.DeletePanelAsync(GrainKey);
        Publish(EventTypes.PanelDeleted, new PanelDeletedPayload(GrainKey), EventAudience.Users(formerMembers));
        foreach (var member in formerMembers)
        {
            await GrainFactory.GetGrain<IUserGrain>(member).LeftPanelAsync(GrainKey);
        }

        _members.Clear();
        cache.Remove(GrainKey);
        _snapshot = null;
        DeactivateOnIdle();
    }

    public async Task<IReadOnlyList<ChannelDto>> ListChannelsAsync(string callerId)
    {
        RequireMember(callerId);
        var snapshot = _snapshot!;
        var visible = PanelViews.OrderedChannels(State).Where(c => snapshot.CanView(callerId, c.Id)).ToList();
        var unread = await messages.CountUnreadAsync(callerId, [.. visible.Select(c => c.Id)]);
        return [.. visible.Select(c => PanelViews.Channel(GrainKey, c, unread.GetValueOrDefault(c.Id)))];
    }

    public async Task<ChannelDto> CreateChannelAsync(string callerId, string name, string? categoryId, string? topic)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManageChannels);
        if (categoryId is not null && State.Categories.All(c => c.Id != categoryId))
        {
            throw ApiException.BadRequest("category_id: no such category in this panel");
        }

        PanelRules.RequireRoomForChannel(State.Channels.Count);
        var channel = new ChannelState(Ids.NewId("ch-"), PanelRules.ChannelName(name), categoryId, topic ?? "", State.Channels.Count, []);
        State.Channels.Add(channel);
        if (categoryId is not null)
        {
            ReplaceCategory(categoryId, c => c with { ChannelIds = [.. c.ChannelIds, channel.Id] });
        }

        await SaveDocumentAsync();
        PublishToViewers(EventTypes.PanelChannelCreated, PanelViews.Channel(GrainKey, channel), channel.Id);
        PublishPanelUpdated();
        return PanelViews.Channel(GrainKey, channel);
    }

    public async Task<ChannelDto> UpdateChannelAsync(string callerId, string channelId, ChannelChange change)
    {
        PanelRules.RequireChannelPosition(change.Position);
        var channel = RequireViewableChannel(callerId, channelId);
        RequireChannelPermission(callerId, channelId, Permission.ManageChannels);
        var newCategory = change.CategoryId is null ? channel.CategoryId : change.CategoryId.Length == 0 ? null : change.CategoryId;
        if (newCategory is not null && State.Categories.All(c => c.Id != newCategory))
        {
            throw ApiException.BadRequest("category_id: no such category in this panel");
        }

        var updated = channel with
        {
            Name = change.Name is null ? channel.Name : PanelRules.ChannelName(change.Name),
            Topic = change.Topic ?? channel.Topic,
            Position = change.Position ?? channel.Position,
            CategoryId = newCategory,
        };
        ReplaceChannel(updated);
        if (newCategory != channel.CategoryId)
        {
            if (channel.CategoryId is not null)
            {
                ReplaceCategory(channel.CategoryId, c => c with { ChannelIds = [.. c.ChannelIds.Where(id => id != channelId)] });
            }

            if (newCategory is not null)
            {
                ReplaceCategory(newCategory, c => c with { ChannelIds = [.. c.ChannelIds, channelId] });
            }
        }

        await SaveDocumentAsync();
        PublishToViewers(EventTypes.PanelChannelUpdated, PanelViews.Channel(GrainKey, updated), channelId);
        if (newCategory != channel.CategoryId)
        {
            PublishPanelUpdated();
        }

        return PanelViews.Channel(GrainKey, updated);
    }

    public async Task DeleteChannelAsync(string callerId, string channelId)
    {
        RequireViewableChannel(callerId, channelId);
        RequireChannelPermission(callerId, channelId, Permission.ManageChannels);
        if (State.Channels.Count == 1)
        {
            throw ApiException.BadRequest("cannot delete the last text channel of a panel");
        }

        State.Channels.RemoveAll(c => c.Id == channelId);
        foreach (var category in State.Categories.Where(c => c.ChannelIds.Contains(channelId)).ToList())
        {
            ReplaceCategory(category.Id, c => c with { ChannelIds = [.. c.ChannelIds.Where(id => id != channelId)] });
        }

        var before = await SaveDocumentAsync();
        Publish(EventTypes.PanelChannelDeleted, new PanelChannelDeletedPayload(GrainKey, channelId), EventAudience.ChannelViewers(GrainKey, channelId, before.Version));
        PublishPanelUpdated();
    }

    public async Task<CategoryDto> CreateCategoryAsync(string callerId, string name)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManageChannels);
        PanelRules.RequireRoomForCategory(State.Categories.Count);
        var category = new CategoryState(Ids.NewId("cat-"), name, []);
        State.Categories.Add(category);
        await SaveDocumentAsync();
        PublishPanelUpdated();
        return PanelViews.Category(category);
    }

    public async Task<CategoryDto> UpdateCategoryAsync(string callerId, string categoryId, string name)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManageChannels);
        RequireCategory(categoryId);
        ReplaceCategory(categoryId, c => c with { Name = name });
        await SaveDocumentAsync();
        PublishPanelUpdated();
        return PanelViews.Category(State.Categories.First(c => c.Id == categoryId));
    }

    public async Task DeleteCategoryAsync(string callerId, string categoryId)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManageChannels);
        var category = RequireCategory(categoryId);
        State.Categories.Remove(category);
        foreach (var channel in State.Channels.Where(c => c.CategoryId == categoryId).ToList())
        {
            ReplaceChannel(channel with { CategoryId = null });
        }

        await SaveDocumentAsync();
        PublishPanelUpdated();
    }

    public async Task<ChannelDto> PutOverrideAsync(string callerId, string channelId, string roleId, Permission allow, Permission deny)
    {
        PanelRules.RequireDisjoint(allow, deny);
        var channel = RequireViewableChannel(callerId, channelId);
        RequireChannelPermission(callerId, channelId, Permission.ManageRoles);
        RequireOverrideTarget(callerId, roleId);
        PanelRules.RequireNoAdministrator(allow, deny);
        PanelRules.RequireOverrideGrantable(_snapshot!, callerId, channelId, allow, deny);
        var overrides = channel.Overrides.Where(o => o.RoleId != roleId).Append(new ChannelOverride(roleId, allow, deny & ~allow)).ToList();
        return await SaveOverridesAsync(channel, overrides);
    }

    public async Task<ChannelDto> DeleteOverrideAsync(string callerId, string channelId, string roleId)
    {
        var channel = RequireViewableChannel(callerId, channelId);
        RequireChannelPermission(callerId, channelId, Permission.ManageRoles);
        RequireOverrideTarget(callerId, roleId);
        if (channel.Overrides.All(o => o.RoleId != roleId))
        {
            throw ApiException.NotFound("override");
        }

        return await SaveOverridesAsync(channel, [.. channel.Overrides.Where(o => o.RoleId != roleId)]);
    }

    public async Task<RoleDto> CreateRoleAsync(string callerId, RoleChange role)
    {
        PanelRules.RequireColor(role.Color);
        PanelRules.RequireRolePosition(role.Position);
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManageRoles);
        PanelRules.RequireRoomForRole(State.Roles.Count);
        var permissions = role.Permissions ?? Permission.None;
        PanelRules.RequireGrantable(_snapshot!, callerId, permissions, "permissions");
        var position = role.Position ?? 1;
        PanelRules.RequireNewRolePosition(_snapshot!, callerId, position);

        // The new role takes position p and every role at p or above moves up one, the caller's own included.
        foreach (var existing in State.Roles.Where(r => r.Position >= position).ToList())
        {
            ReplaceRole(existing with { Position = existing.Position + 1 });
        }

        var created = new RoleState(Ids.NewId("role-"), role.Name ?? "new role", role.Color ?? PanelRules.DefaultRoleColor, position, permissions);
        State.Roles.Add(created);
        await SaveDocumentAsync();
        PublishPanelUpdated();
        return PanelViews.Role(created);
    }

    public async Task<RoleDto> UpdateRoleAsync(string callerId, string roleId, RoleChange change)
    {
        PanelRules.RequireColor(change.Color);
        PanelRules.RequireRolePosition(change.Position);
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManageRoles);
        var role = RequireRole(roleId);
        PanelRules.RequireBelowCaller(_snapshot!, callerId, role.Position);
        if (change.Position is { } position)
        {
            PanelRules.RequireBelowCaller(_snapshot!, callerId, position);
        }

        if (change.Permissions is { } permissions)
        {
            PanelRules.RequireGrantable(_snapshot!, callerId, permissions, "permissions");
        }

        var updated = role with
        {
            Name = change.Name ?? role.Name,
            Color = change.Color ?? role.Color,
            Position = change.Position ?? role.Position,
            Permissions = change.Permissions ?? role.Permissions,
        };
        ReplaceRole(updated);
        var before = await SaveDocumentAsync();
        PublishPanelUpdated();
        PublishViewChanges(PanelAudiences.ViewChanges(before, _snapshot!, ChannelIds(), _members.InUse));
        return PanelViews.Role(updated);
    }

    public async Task DeleteRoleAsync(string callerId, string roleId)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManageRoles);
        var role = RequireRole(roleId);
        PanelRules.RequireBelowCaller(_snapshot!, callerId, role.Position);
        State.Roles.Remove(role);
        foreach (var channel in State.Channels.Where(c => c.Overrides.Any(o => o.RoleId == roleId)).ToList())
        {
            ReplaceChannel(channel with { Overrides = [.. channel.Overrides.Where(o => o.RoleId != roleId)] });
        }

        await document.WriteStateAsync();
        await store.RemoveRoleFromMembersAsync(GrainKey, roleId);
        var before = _snapshot!;
        var roleSetsBefore = _members.InUse.ToList();
        _members.RemoveRole(roleId);
        RebuildSnapshot();
        PublishPanelUpdated();
        PublishViewChanges(PanelAudiences.ViewChanges(before, _snapshot!, ChannelIds(), [.. roleSetsBefore.Concat(_members.InUse)]));
    }

    public async Task<IReadOnlyList<PanelMemberDto>> ListMembersAsync(string callerId)
    {
        RequireMember(callerId);
        var members = _members.Members;
        var users = await Task.WhenAll(members.Keys.Select(id => GrainFactory.GetGrain<IUserGrain>(id).GetAsync()));
        return [.. users.Where(u => u is not null).Select(u => PanelViews.Member(u!, members[u!.Id]))];
    }

    public Task<PanelMemberDto> AddMemberRoleAsync(string callerId, string userId, string roleId) =>
        ChangeMemberRolesAsync(callerId, userId, roleId, static (roles, role) => roles.With(role));

    public Task<PanelMemberDto> RemoveMemberRoleAsync(string callerId, string userId, string roleId) =>
        ChangeMemberRolesAsync(callerId, userId, roleId, static (roles, role) => roles.Without(role));

    public async Task<InviteDto> CreateInviteAsync(string callerId, int? maxAgeSeconds, int? maxUses)
    {
        var age = PanelRules.InviteAge(maxAgeSeconds, maxUses);
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.CreateInvite);
        var now = time.GetUtcNow();
        var invite = new PanelInviteRecord(
            Ids.NewId("inv-")[4..14], GrainKey, callerId, now, age == TimeSpan.Zero ? null : now + age, maxUses ?? 0, 0);
        await store.CreateInviteAsync(invite);
        return new InviteDto(invite.Code, GrainKey, invite.ExpiresAt, invite.MaxUses, 0);
    }

    public async Task<PanelDto> JoinByInviteAsync(string userId, string code)
    {
        RequirePanel();
        await RequireNotBannedAsync(userId);
        if (_members.Contains(userId))
        {
            throw ApiException.Conflict("already a member of this panel");
        }

        if (!await store.TryUseInviteAsync(code, time.GetUtcNow()))
        {
            throw ApiException.NotFound("invite (expired or used up)");
        }

        var user = await GrainFactory.GetGrain<IUserGrain>(userId).GetAsync() ?? throw ApiException.NotFound("user");
        await AddMemberAsync(user);
        return PanelViews.PanelFor(userId, State, _snapshot!);
    }

    public Task<PanelMemberDto> AddBotAsync(string callerId, string botId) => AddBotCoreAsync(callerId, botId, requireVisible: true);

    public async Task<string?> GetBotInstallTargetAsync(string callerId, string botId)
    {
        if (!document.RecordExists || State.Deleted || _snapshot is null || !_members.Contains(callerId) || _members.Contains(botId)
            || (_snapshot.InPanel(callerId) & Permission.ManagePanel) == 0 || await store.IsBannedAsync(GrainKey, botId))
        {
            return null;
        }

        return State.Name;
    }

    public async Task<string> AuthorizeBotAsync(string callerId, string botId)
    {
        await AddBotCoreAsync(callerId, botId, requireVisible: false);
        return State.Name;
    }

    private async Task<PanelMemberDto> AddBotCoreAsync(string callerId, string botId, bool requireVisible)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManagePanel);

        // Only bots the caller can see (its own, or ones it shares a room with): others answer exactly like unknown ids,
        // and nobody can pull a stranger's bot into a panel without its owner's consent (that is what OAuth is for).
        var bot = await GrainFactory.GetGrain<IUserGrain>(botId).GetAsync();
        if (bot is null || !bot.IsBot || (requireVisible && !await GrainFactory.GetGrain<IUserGrain>(callerId).CanSeeAsync(botId)))
        {
            throw ApiException.NotFound("bot");
        }

        await RequireNotBannedAsync(botId);
        if (_members.Contains(botId))
        {
            throw ApiException.Conflict("the bot is already a member of this panel");
        }

        await AddMemberAsync(bot);
        return PanelViews.Member(bot, RoleSet.Empty);
    }

    public async Task RemoveMemberAsync(string callerId, string userId)
    {
        RequireMember(callerId);
        if (!_members.Contains(userId))
        {
            throw ApiException.NotFound("member");
        }

        if (_snapshot!.Permissions.IsCreator(userId))
        {
            throw callerId == userId
                ? ApiException.BadRequest("the owner cannot leave the panel; delete it instead")
                : ApiException.Forbidden("the owner cannot be removed");
        }

        if (callerId != userId)
        {
            RequirePanelPermission(callerId, Permission.KickMembers);
            PanelRules.RequireOutranks(_snapshot!, callerId, userId);
        }

        var name = (await GrainFactory.GetGrain<IUserGrain>(userId).GetAsync())?.Name ?? userId;
        await RemoveAsync(userId, callerId == userId ? $"{name} left the panel." : $"{name} was removed from the panel.");
    }

    public async Task BanAsync(string callerId, string userId, string reason)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.BanMembers);
        if (_snapshot!.Permissions.IsCreator(userId))
        {
            throw ApiException.Forbidden("the owner cannot be banned");
        }

        if (userId == callerId)
        {
            throw ApiException.BadRequest("user_id: you cannot ban yourself");
        }

        var user = await GrainFactory.GetGrain<IUserGrain>(userId).GetAsync();
        if (user is null || !await GrainFactory.GetGrain<IUserGrain>(callerId).CanSeeAsync(userId))
        {
            throw ApiException.NotFound("user");
        }

        if (_members.Contains(userId))
        {
            PanelRules.RequireOutranks(_snapshot!, callerId, userId);
        }

        if (await store.IsBannedAsync(GrainKey, userId))
        {
            throw ApiException.Conflict("the user is already banned");
        }

        await store.AddBanAsync(new PanelBanRecord(GrainKey, userId, reason, callerId, time.GetUtcNow()));
        Publish(EventTypes.PanelBanned, new PanelBannedPayload(GrainKey, State.Name, reason), EventAudience.Users([userId]));
        if (_members.Contains(userId))
        {
            await RemoveAsync(userId, $"{user.Name} was banned from the panel.", notifyLeaver: false);
        }
    }

    /// <summary>Gives or takes one role (manage_roles, and only roles below the caller's highest).</summary>
    private async Task<PanelMemberDto> ChangeMemberRolesAsync(string callerId, string userId, string roleId, Func<RoleSet, string, RoleSet> change)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManageRoles);
        var role = RequireRole(roleId);
        PanelRules.RequireBelowCaller(_snapshot!, callerId, role.Position);
        if (!_members.Members.TryGetValue(userId, out var roles))
        {
            throw ApiException.NotFound("member");
        }

        await SetMemberRolesAsync(userId, change(roles, roleId));
        var user = await GrainFactory.GetGrain<IUserGrain>(userId).GetAsync() ?? throw ApiException.NotFound("member");
        return PanelViews.Member(user, _members.Members[userId]);
    }

    private async Task AddMemberAsync(UserDto user)
    {
        var userId = user.Id;
        await store.AddMemberAsync(GrainKey, userId, time.GetUtcNow());
        _members.Put(userId, RoleSet.Empty);
        SetSnapshot(_snapshot!.WithMembers(_members.Members));
        await GrainFactory.GetGrain<IUserGrain>(userId).JoinedPanelAsync(GrainKey);
        Publish(EventTypes.PanelMemberJoined, new PanelMemberPayload(GrainKey, userId), EventAudience.PanelMembers(GrainKey, _snapshot!.Version));
        await PostSystemMessageAsync($"{user.Name} joined the panel.");
    }

    private async Task RemoveAsync(string userId, string systemText, bool notifyLeaver = true)
    {
        await store.RemoveMemberAsync(GrainKey, userId);
        _members.Put(userId, null);
        SetSnapshot(_snapshot!.WithMembers(_members.Members));
        await GrainFactory.GetGrain<IUserGrain>(userId).LeftPanelAsync(GrainKey);
        Publish(EventTypes.PanelMemberLeft, new PanelMemberPayload(GrainKey, userId), EventAudience.PanelMembers(GrainKey, _snapshot!.Version));
        if (notifyLeaver)
        {
            Publish(EventTypes.PanelMemberLeft, new PanelMemberPayload(GrainKey, userId), EventAudience.Users([userId]));
        }

        await PostSystemMessageAsync(systemText);
    }

    /// <summary>Joins, leaves, kicks and bans are announced in the first channel, written by that channel's grain (the
    /// only writer of its room). The call carries everything the channel needs, the mentions already resolved against
    /// this snapshot, so that it never calls back into this grain (which is waiting for it).</summary>
    private async Task PostSystemMessageAsync(string text)
    {
        var channel = PanelViews.OrderedChannels(State).FirstOrDefault();
        if (channel is null)
        {
            return;
        }

        var snapshot = _snapshot!;
        var mentions = Mentions.Resolve(text, [], snapshot.ViewFilter(channel.Id));
        await GrainFactory.GetGrain<IChannelGrain>(channel.Id).PostSystemMessageAsync(GrainKey, State.Name, text, [.. mentions], snapshot.Version);
    }

    private async Task SetMemberRolesAsync(string userId, RoleSet roles)
    {
        roles = _members.Intern(roles);
        await store.SetMemberRolesAsync(GrainKey, userId, roles.RoleIds);
        var before = _snapshot!;
        _members.Put(userId, roles);
        SetSnapshot(before.WithMembers(_members.Members));
        PublishPanelUpdated();
        PublishViewChanges(PanelAudiences.ViewChangesOf(before, _snapshot!, ChannelIds(), userId));
    }

    private async Task<ChannelDto> SaveOverridesAsync(ChannelState channel, IReadOnlyList<ChannelOverride> overrides)
    {
        var updated = channel with { Overrides = overrides };
        ReplaceChannel(updated);
        var before = await SaveDocumentAsync();
        var after = _snapshot!;

        // Members who keep sight of the channel get the update; those who lose it a delete, those who gain it a create.
        Publish(EventTypes.PanelChannelUpdated, PanelViews.Channel(GrainKey, updated), PanelAudiences.KeptView(before, after, channel.Id));
        PublishViewChanges(PanelAudiences.ViewChanges(before, after, [channel.Id], _members.InUse));
        return PanelViews.Channel(GrainKey, updated);
    }

    /// <summary>Writes the panel document (etag-checked) and replaces the snapshot; returns the snapshot it replaced.</summary>
    private async Task<PanelSnapshot> SaveDocumentAsync()
    {
        var before = _snapshot!;
        await document.WriteStateAsync();
        RebuildSnapshot();
        return before;
    }

    private async Task LoadMembersAsync(CancellationToken cancellationToken)
    {
        if (!document.RecordExists || State.Deleted)
        {
            _snapshot = null;
            return;
        }

        var rows = await store.GetMembersAsync(GrainKey, cancellationToken);
        _members.Load(rows.Select(r => (r.UserId, (IEnumerable<string>)r.RoleIds)));
        RebuildSnapshot();
    }

    private async Task RequireNotBannedAsync(string userId)
    {
        if (await store.IsBannedAsync(GrainKey, userId))
        {
            throw ApiException.Forbidden("banned from this panel");
        }
    }

    private void RebuildSnapshot()
    {
        // Versions stay increasing across activations (a silo may hold an older activation's snapshots): the first one
        // of an activation starts from the clock, a thousand versions per millisecond.
        var version = _snapshot is null ? time.GetUtcNow().ToUnixTimeMilliseconds() * 1000 : _snapshot.Version + 1;
        SetSnapshot(new PanelSnapshot(GrainKey, version, new PanelPermissions(State), _members.Members));
    }

    /// <summary>Makes <paramref name="snapshot"/> the current one, in this silo's cache and, as a version notice, on the
    /// other silos (so that none of them keeps serving an older copy as the latest).</summary>
    private void SetSnapshot(PanelSnapshot snapshot)
    {
        _snapshot = snapshot;
        cache.Set(snapshot);
        _pendingAnnouncement = events.AnnounceSnapshot(GrainKey, snapshot.Version);
    }

    private void RequirePanel()
    {
        if (!document.RecordExists || State.Deleted || _snapshot is null)
        {
            throw ApiException.NotFound("panel");
        }
    }

    private void RequireMember(string callerId)
    {
        RequirePanel();
        if (!_members.Contains(callerId))
        {
            throw ApiException.NotFound("panel");
        }
    }

    private void RequirePanelPermission(string callerId, Permission permission) =>
        PanelRules.RequirePanelPermission(_snapshot!, callerId, permission);

    private void RequireChannelPermission(string callerId, string channelId, Permission permission) =>
        PanelRules.RequireChannelPermission(_snapshot!, callerId, channelId, permission);

    private ChannelState RequireViewableChannel(string callerId, string channelId)
    {
        RequireMember(callerId);
        var channel = State.Channels.FirstOrDefault(c => c.Id == channelId);
        if (channel is null || !_snapshot!.CanView(callerId, channelId))
        {
            throw ApiException.NotFound("channel");
        }

        return channel;
    }

    private RoleState RequireRole(string roleId) =>
        State.Roles.FirstOrDefault(r => r.Id == roleId) ?? throw ApiException.NotFound("role");

    private CategoryState RequireCategory(string categoryId) =>
        State.Categories.FirstOrDefault(c => c.Id == categoryId) ?? throw ApiException.NotFound("category");

    private void RequireOverrideTarget(string callerId, string roleId)
    {
        if (roleId == PermissionResolver.EveryoneRoleId)
        {
            return;
        }

        PanelRules.RequireBelowCaller(_snapshot!, callerId, RequireRole(roleId).Position);
    }

    private string[] ChannelIds() => [.. State.Channels.Select(c => c.Id)];

    private void ReplaceChannel(ChannelState channel) => State.Channels[State.Channels.FindIndex(c => c.Id == channel.Id)] = channel;

    private void ReplaceRole(RoleState role) => State.Roles[State.Roles.FindIndex(r => r.Id == role.Id)] = role;

    private void ReplaceCategory(string categoryId, Func<CategoryState, CategoryState> change)
    {
        var index = State.Categories.FindIndex(c => c.Id == categoryId);
        State.Categories[index] = change(State.Categories[index]);
    }

    private void Publish<T>(string type, T payload, EventAudience audience) =>
        events.Publish(OutboundEvent.Create(type, payload, audience));

    private void PublishToViewers<T>(string type, T payload, string channelId) =>
        Publish(type, payload, EventAudience.ChannelViewers(GrainKey, channelId, _snapshot!.Version));

    private void PublishPanelUpdated()
    {
        foreach (var group in PanelAudiences.PanelUpdated(_snapshot!, ChannelIds(), _members.InUse))
        {
            Publish(EventTypes.PanelUpdated, PanelViews.Panel(GrainKey, State, _members.Members, group.IsVisible), group.Audience);
        }
    }

    private void PublishViewChanges(IReadOnlyList<ChannelViewChange> changes)
    {
        foreach (var change in changes)
        {
            Publish(EventTypes.PanelChannelDeleted, new PanelChannelDeletedPayload(GrainKey, change.ChannelId), change.Lost);
            Publish(EventTypes.PanelChannelCreated, PanelViews.Channel(GrainKey, State.Channels.First(c => c.Id == change.ChannelId)), change.Gained);
        }
    }

    public Task TakePendingAnnouncement()
    {
        var pending = _pendingAnnouncement;
        _pendingAnnouncement = Task.CompletedTask;
        return pending;
    }

    private PanelState State => document.State;

    private string GrainKey => _grainKey ??= this.GetPrimaryKeyString();
}
