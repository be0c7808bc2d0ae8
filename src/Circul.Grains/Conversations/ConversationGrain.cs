using Circul.Contracts;
using Circul.Grains.Events;
using Circul.Grains.Rooms;
using Circul.Grains.Users;
using Circul.Storage;
using Orleans;

namespace Circul.Grains.Conversations;

/// <summary>Owns a DM or group: its members (rows, written as deltas) and its messages.</summary>
public sealed class ConversationGrain(IConversationStore store, RoomMessagingFactory messagingFactory, TimeProvider time)
    : Grain, IConversationGrain
{
    public const int MaxGroupMembers = 100;

    private ConversationRecord? _conversation;
    private List<string> _members = [];
    private RoomAudience _audience = new(EventAudience.Users([]), static _ => false);
    private RoomMessaging? _messaging;
    private string? _grainKey;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _conversation = await store.GetConversationAsync(GrainKey, cancellationToken);
        _members = _conversation is null ? [] : [.. await store.GetMembersAsync(GrainKey, cancellationToken)];
        RebuildAudience();
        _messaging = messagingFactory.Create(GrainKey, null);
        if (_conversation is not null)
        {
            await _messaging.LoadAsync();
        }
    }

    public async Task<ConversationDto> OpenDmAsync(string callerId, string peerId)
    {
        if (_conversation is null)
        {
            var dmKey = Ids.DmKey(callerId, peerId);
            var record = new ConversationRecord(GrainKey, "dm", null, null, dmKey, time.GetUtcNow());
            string[] members = callerId == peerId ? [callerId] : [callerId, peerId];
            await store.CreateConversationAsync(record, members);
            await OnActivateAsync(CancellationToken.None);
            await IntroduceAsync(members, members);
        }

        return ToDto();
    }

    public async Task<ConversationDto> CreateGroupAsync(string ownerId, string name, IReadOnlyList<string> memberIds)
    {
        if (_conversation is not null)
        {
            throw ApiException.Conflict("conversation exists");
        }

        var members = new List<string> { ownerId };
        members.AddRange(memberIds.Where(m => m != ownerId).Distinct(StringComparer.Ordinal));
        if (members.Count > MaxGroupMembers)
        {
            throw ApiException.BadRequest($"member_ids: a group has at most {MaxGroupMembers} members");
        }

        var record = new ConversationRecord(GrainKey, "group", name, ownerId, null, time.GetUtcNow());
        await store.CreateConversationAsync(record, members);
        await OnActivateAsync(CancellationToken.None);
        await IntroduceAsync(members, members);
        return ToDto();
    }

    public Task<ConversationDto> GetAsync(string callerId)
    {
        RequireMember(callerId);
        return Task.FromResult(ToDto());
    }

    public async Task<MessageDto> SendMessageAsync(string senderId, MessageDraft draft, string? idempotencyKey, bool groupsOnly = false)
    {
        RequireMember(senderId, groupsOnly);
        var sender = await GrainFactory.GetGrain<IUserGrain>(senderId).GetSenderAsync();
        await _messaging!.Webhooks!.EnsureLoadedAsync(_conversation!.Kind == "group" ? _conversation.OwnerId : null);
        RequireMember(senderId, groupsOnly); // again: other calls may have run while this one awaited
        var accepted = await _messaging!.SendAsync(sender, draft, idempotencyKey, _audience);
        await accepted.Durable;
        return accepted.Value;
    }

    public async Task<IReadOnlyList<MessageDto>> ListMessagesAsync(string callerId, int limit, string? before, string? after, bool groupsOnly = false)
    {
        RequireMember(callerId, groupsOnly);
        return await _messaging!.ListAsync(callerId, limit, before, after);
    }

    public async Task<MessageDto> EditMessageAsync(string callerId, string messageId, string text)
    {
        RequireMember(callerId, "message");
        var stored = await _messaging!.RequireMessageAsync(messageId, callerId);
        if (stored.Message.SenderId != callerId)
        {
            throw ApiException.Forbidden("only the sender can edit a message");
        }

        return await _messaging.EditAsync(stored, text, _audience);
    }

    public async Task DeleteMessageAsync(string callerId, string messageId)
    {
        RequireMember(callerId, "message");
        var stored = await _messaging!.RequireMessageAsync(messageId, callerId);
        if (stored.Message.SenderId != callerId)
        {
            throw ApiException.Forbidden("only the sender can delete a message");
        }

        await _messaging.DeleteAsync(stored, _audience);
    }

    public async Task AddReactionAsync(string callerId, string messageId, string emoji)
    {
        RequireMember(callerId, "message");
        var stored = await _messaging!.RequireMessageAsync(messageId, callerId);
        await _messaging.AddReactionAsync(stored, callerId, emoji, _audience);
    }

    public async Task RemoveReactionAsync(string callerId, string messageId, string emoji)
    {
        RequireMember(callerId, "message");
        var stored = await _messaging!.RequireMessageAsync(messageId, callerId);
        await _messaging.RemoveReactionAsync(stored, callerId, emoji, _audience);
    }

    public async Task<ConversationDto> AddMemberAsync(string callerId, string userId)
    {
        RequireGroupMember(callerId);
        if (_members.Contains(userId))
        {
            return ToDto();
        }

        if (!await GrainFactory.GetGrain<IUserGrain>(callerId).CanSeeAsync(userId))
        {
            throw ApiException.NotFound("user");
        }

        if (_members.Count >= MaxGroupMembers)
        {
            throw ApiException.BadRequest($"user_id: a group has at most {MaxGroupMembers} members");
        }

        await store.AddMemberAsync(GrainKey, userId, time.GetUtcNow());
        _members.Add(userId);
        RebuildAudience();
        await IntroduceAsync([userId], _members);
        return ToDto();
    }

    public async Task RemoveMemberAsync(string callerId, string userId)
    {
        RequireGroupMember(callerId);
        if (callerId != userId && callerId != _conversation!.OwnerId)
        {
            throw ApiException.Forbidden("only the owner can remove other members");
        }

        if (!_members.Contains(userId))
        {
            throw ApiException.NotFound("member");
        }

        await store.RemoveMemberAsync(GrainKey, userId);
        _members.Remove(userId);
        if (userId == _conversation!.OwnerId)
        {
            // The owner left: ownership passes to the longest-standing remaining member.
            var heir = _members.FirstOrDefault();
            await store.SetOwnerAsync(GrainKey, heir);
            _conversation = _conversation with { OwnerId = heir };
            _messaging!.Webhooks?.Invalidate(); // webhook bots are the owner's: the new owner's apply
        }

        RebuildAudience();
        await GrainFactory.GetGrain<IUserGrain>(userId).InvalidateContactsAsync();
        foreach (var member in _members)
        {
            await GrainFactory.GetGrain<IUserGrain>(member).InvalidateContactsAsync();
        }
    }

    public Task RefreshWebhooksAsync()
    {
        _messaging?.Webhooks?.Invalidate();
        return Task.CompletedTask;
    }

    private async Task IntroduceAsync(IReadOnlyCollection<string> newcomers, IReadOnlyCollection<string> everyone)
    {
        foreach (var member in everyone)
        {
            var others = newcomers.Contains(member) ? everyone : newcomers;
            await GrainFactory.GetGrain<IUserGrain>(member).AddContactsAsync(others);
        }
    }

    /// <summary>404 for non-members; by-id message routes name the message, so that the answer for a message in a
    /// room the caller cannot see is the same as for a message that does not exist.</summary>
    private void RequireMember(string callerId, string notFound = "conversation")
    {
        if (_conversation is null || !_members.Contains(callerId))
        {
            throw ApiException.NotFound(notFound);
        }
    }

    private void RequireMember(string callerId, bool groupsOnly)
    {
        if (groupsOnly)
        {
            RequireGroupMember(callerId);
        }
        else
        {
            RequireMember(callerId);
        }
    }

    private void RequireGroupMember(string callerId)
    {
        RequireMember(callerId);
        if (_conversation!.Kind != "group")
        {
            throw ApiException.NotFound("group");
        }
    }

    private string GrainKey => _grainKey ??= this.GetPrimaryKeyString();

    private void RebuildAudience()
    {
        var members = new HashSet<string>(_members, StringComparer.Ordinal);
        _audience = new RoomAudience(EventAudience.Users([.. _members]), members.Contains);
    }

    private ConversationDto ToDto()
    {
        var c = _conversation!;
        return new ConversationDto(c.Id, c.Kind, c.Name, [.. _members], c.OwnerId, c.CreatedAt, _messaging?.LastMessageId);
    }
}
