using System.Collections.Immutable;
using Circul.Contracts;
using Circul.Grains.Conversations;
using Circul.Grains.Events;
using Circul.Grains.Hosting;
using Circul.Grains.Rooms;
using Circul.Grains.Users;
using Circul.Storage;
using Orleans;
using Orleans.Runtime;

namespace Circul.Grains.Panels;

/// <summary>Owns a panel. The document (roles, categories, channels, overrides) is grain state; members, bans and
/// invites are rows. Every change builds a new immutable <see cref="PanelSnapshot"/> and publishes it to the silo's
/// <see cref="PanelSnapshotCache"/>; a member join costs one row and an O(log n) snapshot update.</summary>
public sealed class PanelGrain(
    IPanelStore store,
    IEventPublisher events,
    PanelSnapshotCache cache,
    RoomMessagingFactory messaging,
    TimeProvider time,
    // The storage name stays the grain class's, as the rows written before Orleans were keyed.
    [PersistentState("PanelGrain", CirculGrainStorage.ProviderName)] IPersistentState<PanelState> document) : Grain, IPanelGrain
{
    public const int MaxRoles = 250;
    public const int MaxChannels = 500;
    public const int MaxCategories = 100;
    private static readonly TimeSpan DefaultInviteAge = TimeSpan.FromDays(1);
    private static readonly TimeSpan MaxInviteAge = TimeSpan.FromDays(7);

    private readonly Dictionary<string, RoleSet> _roleSets = new(StringComparer.Ordinal) { [""] = RoleSet.Empty };
    private ImmutableDictionary<string, RoleSet> _members = ImmutableDictionary.Create<string, RoleSet>(StringComparer.Ordinal);

    // How many members hold each distinct role set, kept up to date on every membership or role change, so that
    // per-role-set work (grouping panel_updated by view, finding view changes) never walks the member list.
    private readonly Dictionary<RoleSet, int> _roleSetUse = new(ReferenceEqualityComparer.Instance);
    private PanelSnapshot? _snapshot;
    private string? _grainKey;

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
        PutMember(creatorId, RoleSet.Empty);
        RebuildSnapshot();
        await GrainFactory.GetGrain<IUserGrain>(creatorId).JoinedPanelAsync(GrainKey);
        return ToDto(creatorId);
    }

    public Task<PanelDto> GetAsync(string callerId)
    {
        RequireMember(callerId);
        return Task.FromResult(ToDto(callerId));
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
            RequireGrantable(callerId, everyone, "everyone_permissions");
            State.Everyone = everyone;
        }

        State.Name = name ?? State.Name;
        var before = await SaveDocumentAsync();
        PublishPanelUpdated();
        PublishViewChanges(before, _snapshot!);
        return ToDto(callerId);
    }

    public async Task DeleteAsync(string callerId)
    {
        RequireMember(callerId);
        if (callerId != State.CreatorId)
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

        _members = _members.Clear();
        _roleSetUse.Clear();
        cache.Remove(GrainKey);
        _snapshot = null;
        DeactivateOnIdle();
    }

    public Task<IReadOnlyList<ChannelDto>> ListChannelsAsync(string callerId)
    {
        RequireMember(callerId);
        return Task.FromResult<IReadOnlyList<ChannelDto>>([.. OrderedChannels().Where(c => _snapshot!.CanView(callerId, c.Id)).Select(ToChannelDto)]);
    }

    public async Task<ChannelDto> CreateChannelAsync(string callerId, string name, string? categoryId, string? topic)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManageChannels);
        if (categoryId is not null && State.Categories.All(c => c.Id != categoryId))
        {
            throw ApiException.BadRequest("category_id: no such category in this panel");
        }

        if (State.Channels.Count >= MaxChannels)
        {
            throw ApiException.BadRequest($"a panel has at most {MaxChannels} channels");
        }

        var channel = new ChannelState(Ids.NewId("ch-"), name, categoryId, topic ?? "", State.Channels.Count, []);
        State.Channels.Add(channel);
        if (categoryId is not null)
        {
            ReplaceCategory(categoryId, c => c with { ChannelIds = [.. c.ChannelIds, channel.Id] });
        }

        await SaveDocumentAsync();
        PublishToViewers(EventTypes.PanelChannelCreated, ToChannelDto(channel), channel.Id);
        PublishPanelUpdated();
        return ToChannelDto(channel);
    }

    public async Task<ChannelDto> UpdateChannelAsync(string callerId, string channelId, ChannelChange change)
    {
        var channel = RequireViewableChannel(callerId, channelId);
        RequireChannelPermission(callerId, channelId, Permission.ManageChannels);
        var newCategory = change.CategoryId is null ? channel.CategoryId : change.CategoryId.Length == 0 ? null : change.CategoryId;
        if (newCategory is not null && State.Categories.All(c => c.Id != newCategory))
        {
            throw ApiException.BadRequest("category_id: no such category in this panel");
        }

        var updated = channel with
        {
            Name = change.Name ?? channel.Name,
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
        PublishToViewers(EventTypes.PanelChannelUpdated, ToChannelDto(updated), channelId);
        if (newCategory != channel.CategoryId)
        {
            PublishPanelUpdated();
        }

        return ToChannelDto(updated);
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
        if (State.Categories.Count >= MaxCategories)
        {
            throw ApiException.BadRequest($"a panel has at most {MaxCategories} categories");
        }

        var category = new CategoryState(Ids.NewId("cat-"), name, []);
        State.Categories.Add(category);
        await SaveDocumentAsync();
        PublishPanelUpdated();
        return ToCategoryDto(category);
    }

    public async Task<CategoryDto> UpdateCategoryAsync(string callerId, string categoryId, string name)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManageChannels);
        RequireCategory(categoryId);
        ReplaceCategory(categoryId, c => c with { Name = name });
        await SaveDocumentAsync();
        PublishPanelUpdated();
        return ToCategoryDto(State.Categories.First(c => c.Id == categoryId));
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
        var channel = RequireViewableChannel(callerId, channelId);
        RequireChannelPermission(callerId, channelId, Permission.ManageRoles);
        RequireOverrideTarget(callerId, roleId);
        if (((allow | deny) & Permission.Administrator) != 0)
        {
            throw ApiException.BadRequest("administrator cannot be set in a channel override");
        }

        if (!IsOwnerOrAdmin(callerId) && ((allow | deny) & ~_snapshot!.InChannel(callerId, channelId)) != 0)
        {
            throw ApiException.Forbidden("cannot allow or deny permissions you do not have in this channel");
        }

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
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManageRoles);
        if (State.Roles.Count >= MaxRoles)
        {
            throw ApiException.BadRequest($"a panel has at most {MaxRoles} roles");
        }

        var permissions = role.Permissions ?? Permission.None;
        RequireGrantable(callerId, permissions, "permissions");
        // The new role takes position p and every role at p or above moves up one, the caller's own included: so a
        // member may create a role at or below its highest position and still end up strictly above it.
        var position = role.Position ?? 1;
        if (position < 1 || position > Rank(callerId))
        {
            throw position < 1
                ? ApiException.BadRequest("position must be at least 1")
                : ApiException.Forbidden("role hierarchy: you can only manage roles below your highest role");
        }

        foreach (var existing in State.Roles.Where(r => r.Position >= position).ToList())
        {
            ReplaceRole(existing with { Position = existing.Position + 1 });
        }

        var created = new RoleState(Ids.NewId("role-"), role.Name ?? "new role", role.Color ?? "#99aab5", position, permissions);
        State.Roles.Add(created);
        await SaveDocumentAsync();
        PublishPanelUpdated();
        return ToRoleDto(created);
    }

    public async Task<RoleDto> UpdateRoleAsync(string callerId, string roleId, RoleChange change)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManageRoles);
        var role = RequireRole(roleId);
        RequireBelowCaller(callerId, role.Position);
        if (change.Position is { } position)
        {
            RequireBelowCaller(callerId, position);
        }

        if (change.Permissions is { } permissions)
        {
            RequireGrantable(callerId, permissions, "permissions");
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
        PublishViewChanges(before, _snapshot!);
        return ToRoleDto(updated);
    }

    public async Task DeleteRoleAsync(string callerId, string roleId)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManageRoles);
        var role = RequireRole(roleId);
        RequireBelowCaller(callerId, role.Position);
        State.Roles.Remove(role);
        foreach (var channel in State.Channels.Where(c => c.Overrides.Any(o => o.RoleId == roleId)).ToList())
        {
            ReplaceChannel(channel with { Overrides = [.. channel.Overrides.Where(o => o.RoleId != roleId)] });
        }

        await document.WriteStateAsync();
        await store.RemoveRoleFromMembersAsync(GrainKey, roleId);
        var before = _snapshot!;
        var roleSetsBefore = _roleSetUse.Keys.ToList();
        foreach (var (userId, roles) in _members)
        {
            if (roles.RoleIds.Contains(roleId))
            {
                PutMember(userId, Intern(roles.Without(roleId)));
            }
        }

        RebuildSnapshot();
        PublishPanelUpdated();
        PublishViewChanges(before, _snapshot!, roleSetsBefore.Concat(_roleSetUse.Keys));
    }

    public async Task<IReadOnlyList<PanelMemberDto>> ListMembersAsync(string callerId)
    {
        RequireMember(callerId);
        var members = _members;
        var users = await Task.WhenAll(members.Keys.Select(id => GrainFactory.GetGrain<IUserGrain>(id).GetAsync()));
        return [.. users.Where(u => u is not null).Select(u => new PanelMemberDto(u!.Id, u.Name, u.Status, u.IsBot, u.OwnerId, members[u.Id].RoleIds))];
    }

    public Task<PanelMemberDto> AddMemberRoleAsync(string callerId, string userId, string roleId) =>
        ChangeMemberRolesAsync(callerId, userId, roleId, static (roles, role) => roles.With(role));

    public Task<PanelMemberDto> RemoveMemberRoleAsync(string callerId, string userId, string roleId) =>
        ChangeMemberRolesAsync(callerId, userId, roleId, static (roles, role) => roles.Without(role));

    /// <summary>Gives or takes one role (manage_roles, and only roles below the caller's highest).</summary>
    private async Task<PanelMemberDto> ChangeMemberRolesAsync(string callerId, string userId, string roleId, Func<RoleSet, string, RoleSet> change)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManageRoles);
        var role = RequireRole(roleId);
        RequireBelowCaller(callerId, role.Position);
        if (!_members.TryGetValue(userId, out var roles))
        {
            throw ApiException.NotFound("member");
        }

        await SetMemberRolesAsync(userId, change(roles, roleId));
        return await MemberDtoAsync(userId);
    }

    private async Task<PanelMemberDto> MemberDtoAsync(string userId)
    {
        var user = await GrainFactory.GetGrain<IUserGrain>(userId).GetAsync() ?? throw ApiException.NotFound("member");
        return new PanelMemberDto(user.Id, user.Name, user.Status, user.IsBot, user.OwnerId, _members[userId].RoleIds);
    }

    public async Task<InviteDto> CreateInviteAsync(string callerId, int? maxAgeSeconds, int? maxUses)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.CreateInvite);
        var age = maxAgeSeconds is null ? DefaultInviteAge : TimeSpan.FromSeconds(maxAgeSeconds.Value);
        if (age > MaxInviteAge || age < TimeSpan.Zero)
        {
            throw ApiException.BadRequest($"max_age_seconds must be from 0 (never expires) to {(int)MaxInviteAge.TotalSeconds}");
        }

        var now = time.GetUtcNow();
        var invite = new PanelInviteRecord(
            Ids.NewId("inv-")[4..14], GrainKey, callerId, now, age == TimeSpan.Zero ? null : now + age, maxUses ?? 0, 0);
        await store.CreateInviteAsync(invite);
        return new InviteDto(invite.Code, GrainKey, invite.ExpiresAt, invite.MaxUses, 0);
    }

    public async Task<PanelDto> JoinByInviteAsync(string userId, string code)
    {
        RequirePanel();
        var invite = await store.GetInviteAsync(code);
        if (invite is null || invite.PanelId != GrainKey)
        {
            throw ApiException.NotFound("invite");
        }

        await RequireNotBannedAsync(userId);
        if (_members.ContainsKey(userId))
        {
            throw ApiException.Conflict("already a member of this panel");
        }

        if (!await store.TryUseInviteAsync(code, time.GetUtcNow()))
        {
            throw ApiException.NotFound("invite (expired or used up)");
        }

        var user = await GrainFactory.GetGrain<IUserGrain>(userId).GetAsync() ?? throw ApiException.NotFound("user");
        await AddMemberAsync(user);
        return ToDto(userId);
    }

    public async Task<PanelMemberDto> AddBotAsync(string callerId, string botId)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.ManagePanel);

        // Only bots the caller can see (its own, or ones it shares a room with): others answer exactly like unknown ids,
        // and nobody can pull a stranger's bot into a panel without its owner's consent (that is what OAuth is for).
        var bot = await GrainFactory.GetGrain<IUserGrain>(botId).GetAsync();
        if (bot is null || !bot.IsBot || !await GrainFactory.GetGrain<IUserGrain>(callerId).CanSeeAsync(botId))
        {
            throw ApiException.NotFound("bot");
        }

        await RequireNotBannedAsync(botId);
        if (_members.ContainsKey(botId))
        {
            throw ApiException.Conflict("the bot is already a member of this panel");
        }

        await AddMemberAsync(bot);
        return new PanelMemberDto(bot.Id, bot.Name, bot.Status, bot.IsBot, bot.OwnerId, RoleSet.Empty.RoleIds);
    }

    public async Task RemoveMemberAsync(string callerId, string userId)
    {
        RequireMember(callerId);
        if (!_members.ContainsKey(userId))
        {
            throw ApiException.NotFound("member");
        }

        if (userId == State.CreatorId)
        {
            throw callerId == userId
                ? ApiException.BadRequest("the owner cannot leave the panel; delete it instead")
                : ApiException.Forbidden("the owner cannot be removed");
        }

        if (callerId != userId)
        {
            RequirePanelPermission(callerId, Permission.KickMembers);
            RequireOutranks(callerId, userId);
        }

        var name = (await GrainFactory.GetGrain<IUserGrain>(userId).GetAsync())?.Name ?? userId;
        await RemoveAsync(userId, callerId == userId ? $"{name} left the panel." : $"{name} was removed from the panel.");
    }

    public async Task BanAsync(string callerId, string userId, string reason)
    {
        RequireMember(callerId);
        RequirePanelPermission(callerId, Permission.BanMembers);
        if (userId == State.CreatorId)
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

        if (_members.ContainsKey(userId))
        {
            RequireOutranks(callerId, userId);
        }

        if (await store.IsBannedAsync(GrainKey, userId))
        {
            throw ApiException.Conflict("the user is already banned");
        }

        await store.AddBanAsync(new PanelBanRecord(GrainKey, userId, reason, callerId, time.GetUtcNow()));
        Publish(EventTypes.PanelBanned, new PanelBannedPayload(GrainKey, State.Name, reason), EventAudience.Users([userId]));
        if (_members.ContainsKey(userId))
        {
            await RemoveAsync(userId, $"{user.Name} was banned from the panel.", notifyLeaver: false);
        }
    }

    private async Task AddMemberAsync(UserDto user)
    {
        var userId = user.Id;
        await store.AddMemberAsync(GrainKey, userId, time.GetUtcNow());
        PutMember(userId, RoleSet.Empty);
        _snapshot = _snapshot!.WithMembers(_members);
        SetSnapshot(_snapshot);
        await GrainFactory.GetGrain<IUserGrain>(userId).JoinedPanelAsync(GrainKey);
        Publish(EventTypes.PanelMemberJoined, new PanelMemberPayload(GrainKey, userId), EventAudience.PanelMembers(GrainKey, _snapshot.Version));
        await PostSystemMessageAsync($"{user.Name} joined the panel.");
    }

    private async Task RemoveAsync(string userId, string systemText, bool notifyLeaver = true)
    {
        await store.RemoveMemberAsync(GrainKey, userId);
        PutMember(userId, null);
        _snapshot = _snapshot!.WithMembers(_members);
        SetSnapshot(_snapshot);
        await GrainFactory.GetGrain<IUserGrain>(userId).LeftPanelAsync(GrainKey);
        Publish(EventTypes.PanelMemberLeft, new PanelMemberPayload(GrainKey, userId), EventAudience.PanelMembers(GrainKey, _snapshot.Version));
        if (notifyLeaver)
        {
            Publish(EventTypes.PanelMemberLeft, new PanelMemberPayload(GrainKey, userId), EventAudience.Users([userId]));
        }
        await PostSystemMessageAsync(systemText);
    }

    private async Task PostSystemMessageAsync(string text)
    {
        var channel = OrderedChannels().FirstOrDefault();
        if (channel is null)
        {
            return;
        }

        var snapshot = _snapshot!;
        var room = messaging.Create(channel.Id, GrainKey);
        var sender = new SenderDto(GrainKey, State.Name, false, "");
        var audience = new RoomAudience(EventAudience.ChannelViewers(GrainKey, channel.Id, snapshot.Version), snapshot.ViewFilter(channel.Id));
        var accepted = await room.SendAsync(sender, new MessageDraft(text, false, false, [], null), null, audience, isSystem: true);
        await accepted.Durable;
    }

    private async Task SetMemberRolesAsync(string userId, RoleSet roles)
    {
        roles = Intern(roles);
        await store.SetMemberRolesAsync(GrainKey, userId, roles.RoleIds);
        var before = _snapshot!;
        PutMember(userId, roles);
        _snapshot = _snapshot!.WithMembers(_members);
        SetSnapshot(_snapshot);
        PublishPanelUpdated();
        PublishViewChanges(before, _snapshot, onlyMember: userId);
    }

    private async Task<ChannelDto> SaveOverridesAsync(ChannelState channel, IReadOnlyList<ChannelOverride> overrides)
    {
        var updated = channel with { Overrides = overrides };
        ReplaceChannel(updated);
        var before = await SaveDocumentAsync();
        var after = _snapshot!;

        // Members who keep sight of the channel get the update; those who lose it a delete, those who gain it a create.
        Publish(EventTypes.PanelChannelUpdated, ToChannelDto(updated),
            EventAudience.ViewChange(AudienceKind.ChannelKeptView, GrainKey, channel.Id, before.Version, after.Version));
        PublishViewChanges(before, after, onlyChannel: channel.Id);
        return ToChannelDto(updated);
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
        var builder = ImmutableDictionary.CreateBuilder<string, RoleSet>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            builder[row.UserId] = Intern(RoleSet.Of(row.RoleIds));
        }

        _members = builder.ToImmutable();
        _roleSetUse.Clear();
        foreach (var roles in _members.Values)
        {
            _roleSetUse[roles] = _roleSetUse.GetValueOrDefault(roles) + 1;
        }
        RebuildSnapshot();
    }

    private async Task RequireNotBannedAsync(string userId)
    {
        if (await store.IsBannedAsync(GrainKey, userId))
        {
            throw ApiException.Forbidden("banned from this panel");
        }
    }

    /// <summary>Sets (or with null removes) one member, keeping the role-set use counts in step.</summary>
    private void PutMember(string userId, RoleSet? roles)
    {
        if (_members.TryGetValue(userId, out var old) && --_roleSetUse[old] == 0)
        {
            _roleSetUse.Remove(old);
        }

        if (roles is null)
        {
            _members = _members.Remove(userId);
            return;
        }

        _members = _members.SetItem(userId, roles);
        _roleSetUse[roles] = _roleSetUse.GetValueOrDefault(roles) + 1;
    }

    private RoleSet Intern(RoleSet roles)
    {
        if (_roleSets.TryGetValue(roles.Key, out var existing))
        {
            return existing;
        }

        _roleSets[roles.Key] = roles;
        return roles;
    }

    private void RebuildSnapshot()
    {
        // Versions stay increasing across activations (a silo may hold an older activation's snapshots): the first one
        // of an activation starts from the clock, a thousand versions per millisecond.
        var version = _snapshot is null ? time.GetUtcNow().ToUnixTimeMilliseconds() * 1000 : _snapshot.Version + 1;
        SetSnapshot(new PanelSnapshot(GrainKey, version, new PanelPermissions(State), _members));
    }

    /// <summary>Makes <paramref name="snapshot"/> the current one, in this silo's cache and, as a version notice, on the
    /// other silos (so that none of them keeps serving an older copy as the latest).</summary>
    private void SetSnapshot(PanelSnapshot snapshot)
    {
        _snapshot = snapshot;
        cache.Set(snapshot);
        events.AnnounceSnapshot(GrainKey, snapshot.Version);
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
        if (!_members.ContainsKey(callerId))
        {
            throw ApiException.NotFound("panel");
        }
    }

    private void RequirePanelPermission(string callerId, Permission permission)
    {
        if ((_snapshot!.InPanel(callerId) & permission) != permission)
        {
            throw ApiException.Forbidden($"missing permission: {Permissions.NameOf(permission)}");
        }
    }

    private void RequireChannelPermission(string callerId, string channelId, Permission permission)
    {
        if ((_snapshot!.InChannel(callerId, channelId) & permission) != permission)
        {
            throw ApiException.Forbidden($"missing permission: {Permissions.NameOf(permission)}");
        }
    }

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

        RequireBelowCaller(callerId, RequireRole(roleId).Position);
    }

    private bool IsOwnerOrAdmin(string userId) => (_snapshot!.InPanel(userId) & Permission.Administrator) != 0;

    private int Rank(string userId) =>
        userId == State.CreatorId ? int.MaxValue
        : _members.TryGetValue(userId, out var roles) ? _snapshot!.Permissions.HighestPosition(roles) : 0;

    /// <summary>Role hierarchy: a member manages only roles strictly below its highest role (the owner, all).</summary>
    private void RequireBelowCaller(string callerId, int position)
    {
        if (position < 1)
        {
            throw ApiException.BadRequest("position must be at least 1");
        }

        if (position >= Rank(callerId))
        {
            throw ApiException.Forbidden("role hierarchy: you can only manage roles below your highest role");
        }
    }

    private void RequireOutranks(string callerId, string targetId)
    {
        if (Rank(targetId) >= Rank(callerId))
        {
            throw ApiException.Forbidden("role hierarchy: the member's highest role is not below yours");
        }
    }

    /// <summary>No escalation: a member can only grant permissions it has (administrator only by administrators).</summary>
    private void RequireGrantable(string callerId, Permission permissions, string field)
    {
        var own = _snapshot!.InPanel(callerId);
        var missing = permissions & ~own;
        if (missing != Permission.None)
        {
            var first = Enum.GetValues<Permission>().First(p => p != Permission.None && p != Permission.All && (missing & p) != 0);
            throw ApiException.Forbidden($"{field}: missing permission: {Permissions.NameOf(first)}");
        }
    }

    private IEnumerable<ChannelState> OrderedChannels()
    {
        var byId = State.Channels.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var category in State.Categories)
        {
            foreach (var id in category.ChannelIds)
            {
                if (byId.TryGetValue(id, out var channel) && seen.Add(id))
                {
                    yield return channel;
                }
            }
        }

        foreach (var channel in State.Channels.Where(c => !seen.Contains(c.Id)).OrderBy(c => c.Position))
        {
            yield return channel;
        }
    }

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

    /// <summary>panel_updated carries each member's own view of the panel (categories list only the channels it can
    /// view, so hidden channels' ids do not leak): one serialization per distinct set of viewable channels, found per
    /// distinct role set, not per member.</summary>
    private void PublishPanelUpdated()
    {
        var snapshot = _snapshot!;
        var channelIds = State.Channels.Select(c => c.Id).ToArray();
        var everything = string.Join(',', channelIds);
        var groups = new Dictionary<string, HashSet<RoleSet>>(StringComparer.Ordinal) { [everything] = new(ReferenceEqualityComparer.Instance) };
        foreach (var roles in _roleSetUse.Keys)
        {
            var key = string.Join(',', channelIds.Where(ch => CanView(snapshot.Permissions, roles, ch)));
            if (!groups.TryGetValue(key, out var sets))
            {
                groups[key] = sets = new HashSet<RoleSet>(ReferenceEqualityComparer.Instance);
            }

            sets.Add(roles);
        }

        if (groups.Count == 1)
        {
            Publish(EventTypes.PanelUpdated, ToDto(_ => true), EventAudience.PanelMembers(GrainKey, snapshot.Version));
            return;
        }

        foreach (var (key, sets) in groups)
        {
            var visible = new HashSet<string>(key.Split(',', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
            var audience = EventAudience.PanelRoleSets(GrainKey, snapshot.Version, [.. sets.Select(r => r.Key)], includeCreator: key == everything);
            Publish(EventTypes.PanelUpdated, ToDto(visible.Contains), audience);
        }
    }

    /// <summary>After a permission change: members who lost sight of a channel get panel_channel_deleted, members who
    /// gained it panel_channel_created. Only channels whose visibility changed for some role set (or for
    /// <paramref name="onlyMember"/>) are announced.</summary>
    private void PublishViewChanges(
        PanelSnapshot before, PanelSnapshot after, IEnumerable<RoleSet>? roleSetsToCheck = null, string? onlyMember = null, string? onlyChannel = null)
    {
        var roleSets = onlyMember is null ? (roleSetsToCheck ?? _roleSetUse.Keys).ToList() : null;
        foreach (var channel in State.Channels)
        {
            var ch = channel.Id;
            if (onlyChannel is not null && ch != onlyChannel)
            {
                continue;
            }

            var changed = onlyMember is not null
                ? before.CanView(onlyMember, ch) != after.CanView(onlyMember, ch)
                : roleSets!.Any(rs => CanView(before.Permissions, rs, ch) != CanView(after.Permissions, rs, ch));
            if (!changed)
            {
                continue;
            }

            Publish(EventTypes.PanelChannelDeleted, new PanelChannelDeletedPayload(GrainKey, ch),
                EventAudience.ViewChange(AudienceKind.ChannelLostView, GrainKey, ch, before.Version, after.Version));
            Publish(EventTypes.PanelChannelCreated, ToChannelDto(channel),
                EventAudience.ViewChange(AudienceKind.ChannelGainedView, GrainKey, ch, before.Version, after.Version));
        }
    }

    /// <summary>Whether members with these roles (not the creator, who sees everything) can view a channel.</summary>
    private static bool CanView(PanelPermissions permissions, RoleSet roles, string channelId) =>
        (permissions.InChannel(string.Empty, roles, channelId) & Permission.ViewChannel) != 0;

    /// <summary>The panel as <paramref name="viewerId"/> sees it: categories list only channels it can view.</summary>
    private PanelDto ToDto(string viewerId)
    {
        var snapshot = _snapshot!;
        return ToDto(ch => snapshot.CanView(viewerId, ch));
    }

    private PanelDto ToDto(Func<string, bool> channelVisible)
    {
        var members = _members;
        var memberRoles = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (userId, roles) in members)
        {
            if (roles.RoleIds.Count > 0)
            {
                memberRoles[userId] = roles.RoleIds;
            }
        }

        return new PanelDto(
            GrainKey, State.Name, State.CreatorId, [.. members.Keys], members.Count,
            [.. State.Roles.OrderByDescending(r => r.Position).Select(ToRoleDto)],
            [.. State.Categories.Select(c => ToCategoryDto(c with { ChannelIds = [.. c.ChannelIds.Where(channelVisible)] }))],
            memberRoles, Permissions.ToNames(State.Everyone));
    }

    private ChannelDto ToChannelDto(ChannelState c) =>
        new(c.Id, GrainKey, c.Name, c.CategoryId, c.Topic, c.Position,
            [.. c.Overrides.Select(o => new OverrideDto(o.RoleId, Permissions.ToNames(o.Allow), Permissions.ToNames(o.Deny)))], 0);

    private static RoleDto ToRoleDto(RoleState r) => new(r.Id, r.Name, r.Color, r.Position, Permissions.ToNames(r.Permissions));

    private static CategoryDto ToCategoryDto(CategoryState c) => new(c.Id, c.Name, c.ChannelIds);

    private PanelState State => document.State;

    private string GrainKey => _grainKey ??= this.GetPrimaryKeyString();
}
