using Circul.Contracts;
using Circul.Grains.Conversations;
using Circul.Grains.Events;
using Circul.Grains.Webhooks;
using Circul.Storage;

namespace Circul.Grains.Rooms;

/// <summary>The message logic every room shares (DMs, groups, panel channels). Not a grain: the owning grain calls it
/// inside its turns, so everything here runs one call at a time per room. Permission checks stay in the grain.</summary>
/// <remarks>A private message (<see cref="MessageDraft.VisibleTo"/>, set only by the server for a webhook bot's private
/// reply) exists only for its sender and its VisibleTo user: its events go to those two only, its mentions keep only
/// the VisibleTo user, and for anyone else every by-id path answers as for a message that does not exist.</remarks>
public sealed class RoomMessaging(
    string roomId,
    string? panelId,
    IMessageStore messages,
    IDurableWriter writer,
    IEventPublisher events,
    SnowflakeIdGenerator ids,
    TimeProvider time)
{
    private const int RecentKeyCapacity = 1024;
    private static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);
    private readonly Dictionary<(string Sender, string Key), (Accepted<MessageDto> Accepted, string Fingerprint)> _recentKeys = [];
    private readonly Queue<(string Sender, string Key)> _recentKeyOrder = new();
    private long _sends;

    /// <summary>The newest message everyone in the room can see (private messages left out, so that a conversation's
    /// <c>last_message_id</c> and its place in the list never reveal one to the others).</summary>
    public string? LastMessageId { get; private set; }

    /// <summary>The newest message of any visibility: where "mark read" moves a read marker.</summary>
    public string? NewestMessageId { get; private set; }

    /// <summary>The room's webhook triggers (evaluated in memory; deliveries are written with the message).</summary>
    public RoomWebhooks? Webhooks { get; init; }

    public async Task LoadAsync()
    {
        // A send accepted while the queries ran (sends interleave) is newer than anything they can return: keep that one.
        var sends = _sends;
        var last = await messages.GetLastMessageIdsAsync([roomId]);
        if (sends == _sends)
        {
            var found = last.TryGetValue(roomId, out var ids);
            NewestMessageId = found ? ids!.Newest : null;
            LastMessageId = found ? ids!.NewestPublic : null;
        }
    }

    /// <summary>Whether <paramref name="userId"/> may see <paramref name="message"/> at all, given that it can see the
    /// room: always for a public message, only as its sender or VisibleTo user for a private one.</summary>
    public static bool CanSee(MessageRecord message, string userId) =>
        message.VisibleTo is null || message.VisibleTo == userId || message.SenderId == userId;

    public async Task<Accepted<MessageDto>> SendAsync(SenderDto sender, MessageDraft draft, string? idempotencyKey, RoomAudience audience, bool isSystem = false)
    {
        if (draft.VisibleTo is { } visibleTo)
        {
            if (visibleTo == sender.Id)
            {
                throw ApiException.BadRequest("visible_to: a private message must be visible to a user other than its sender");
            }

            if (!audience.CanView(visibleTo))
            {
                throw ApiException.BadRequest("visible_to: must be a user who can see the room");
            }
        }

        string? fingerprint = null;
        if (idempotencyKey is not null)
        {
            fingerprint = SendFingerprint.Compute(roomId, draft);
            var replay = await FindIdempotentAsync(sender.Id, idempotencyKey, fingerprint);
            if (replay is not null)
            {
                return replay;
            }
        }

        if (draft.ReplyToId is not null)
        {
            var target = await messages.GetMessageAsync(draft.ReplyToId);
            // A private target is a message only its two users may answer, and a private reply only to what both see.
            if (target is null || target.Message.RoomId != roomId || !CanSee(target.Message, sender.Id)
                || (draft.VisibleTo is { } reader && !CanSee(target.Message, reader)))
            {
                throw ApiException.BadRequest("reply_to_id must be a message of the same room");
            }
        }

        // A private message can only mention the one user who will read it.
        var mentions = draft.VisibleTo is { } only
            ? Mentions.Resolve(draft.Text, draft.Mentions, id => id == only)
            : Mentions.Resolve(draft.Text, draft.Mentions, audience.CanView);
        var record = new MessageRecord(
            ids.NextId(), roomId, panelId, sender.Id, draft.Text, draft.Bold, draft.Italic, mentions, draft.ReplyToId,
            isSystem, time.GetUtcNow(), null, draft.VisibleTo);
        var dto = MessageMapper.ToDto(record, sender, []);
        NewestMessageId = record.Id;
        if (record.VisibleTo is null)
        {
            LastMessageId = record.Id;
        }

        _sends++;

        var messageAudience = AudienceOf(record, audience);
        var newEvent = panelId is null
            ? OutboundEvent.Create(EventTypes.MessageNew, new MessageNewPayload(roomId, dto), messageAudience)
            : OutboundEvent.Create(EventTypes.PanelMessage, new PanelMessagePayload(panelId, roomId, dto), messageAudience);
        OutboundEvent? mentionEvent = null;
        var mentioned = mentions.Where(m => m != sender.Id).ToArray();
        if (mentioned.Length > 0)
        {
            mentionEvent = OutboundEvent.Create(EventTypes.Mention, new MentionPayload(dto, roomId, panelId, sender.Id), audience.Among(mentioned));
        }

        var webhooks = Webhooks;
        var deliveries = webhooks?.Evaluate(record, sender, audience.CanView) ?? [];
        var durable = writer.SubmitAsync(new InsertMessageOp(record, idempotencyKey, fingerprint) { Deliveries = deliveries }, () =>
        {
            events.Publish(newEvent);
            if (mentionEvent is not null)
            {
                events.Publish(mentionEvent);
            }

            if (deliveries.Count > 0)
            {
                webhooks!.Recorded();
            }
        });
        var accepted = new Accepted<MessageDto>(dto, durable);
        if (idempotencyKey is not null)
        {
            Remember(sender.Id, idempotencyKey, accepted, fingerprint!);
        }

        return accepted;
    }

    public async Task<IReadOnlyList<MessageDto>> ListAsync(string viewerId, int limit, string? before, string? after)
    {
        var page = await messages.ListMessagesAsync(roomId, limit, before, after, viewerId);
        return [.. page.Select(MessageMapper.ToDto)];
    }

    /// <summary>The message if it belongs to this room, is not deleted and <paramref name="viewerId"/> may see it (a
    /// private message only its sender and VisibleTo user); else 404, the same answer as for no message at all.</summary>
    public async Task<StoredMessage> RequireMessageAsync(string messageId, string viewerId)
    {
        var stored = await messages.GetMessageAsync(messageId);
        if (stored is null || stored.Message.RoomId != roomId || !CanSee(stored.Message, viewerId))
        {
            throw ApiException.NotFound("message");
        }

        return stored;
    }

    public async Task<MessageDto> EditAsync(StoredMessage stored, string text, RoomAudience audience)
    {
        var editedAt = time.GetUtcNow();
        var edited = stored with { Message = stored.Message with { Text = text, EditedAt = editedAt } };
        var payload = new MessageEditedPayload(roomId, panelId, ChannelId, new EditedMessageDto(stored.Message.Id, text, editedAt));
        var e = OutboundEvent.Create(EventTypes.MessageEdited, payload, AudienceOf(stored.Message, audience));
        await writer.SubmitAsync(new EditMessageOp(stored.Message.Id, text, editedAt), () => events.Publish(e));
        return MessageMapper.ToDto(edited);
    }

    public async Task DeleteAsync(StoredMessage stored, RoomAudience audience)
    {
        var payload = new MessageDeletedPayload(roomId, panelId, ChannelId, stored.Message.Id);
        var e = OutboundEvent.Create(EventTypes.MessageDeleted, payload, AudienceOf(stored.Message, audience));
        await writer.SubmitAsync(new DeleteMessageOp(stored.Message.Id, time.GetUtcNow()), () => events.Publish(e));
        if (LastMessageId == stored.Message.Id || NewestMessageId == stored.Message.Id)
        {
            await LoadAsync();
        }
    }

    public async Task AddReactionAsync(StoredMessage stored, string userId, string emoji, RoomAudience audience)
    {
        if (stored.Reactions.Any(r => r.UserId == userId && r.Emoji == emoji))
        {
            return; // idempotent: no second reaction, no second event
        }

        var payload = new ReactionPayload(stored.Message.Id, emoji, userId, roomId, panelId, ChannelId);
        var e = OutboundEvent.Create(EventTypes.ReactionAdded, payload, AudienceOf(stored.Message, audience));
        await writer.SubmitAsync(new AddReactionOp(stored.Message.Id, emoji, userId, time.GetUtcNow()), () => events.Publish(e));
    }

    public async Task RemoveReactionAsync(StoredMessage stored, string userId, string emoji, RoomAudience audience)
    {
        if (!stored.Reactions.Any(r => r.UserId == userId && r.Emoji == emoji))
        {
            return;
        }

        var payload = new ReactionPayload(stored.Message.Id, emoji, userId, roomId, panelId, ChannelId);
        var e = OutboundEvent.Create(EventTypes.ReactionRemoved, payload, AudienceOf(stored.Message, audience));
        await writer.SubmitAsync(new RemoveReactionOp(stored.Message.Id, emoji, userId), () => events.Publish(e));
    }

    private string? ChannelId => panelId is null ? null : roomId;

    /// <summary>Who gets a message's events: the room's audience, narrowed for a private message to its sender and its
    /// VisibleTo user (each still only while they can see the room).</summary>
    private static EventAudience AudienceOf(MessageRecord message, RoomAudience room) =>
        message.VisibleTo is { } visibleTo ? room.Among([message.SenderId, visibleTo]) : room.Audience;

    /// <summary>The first message of a retried send; 409 when the key was used for another room or body.</summary>
    private async Task<Accepted<MessageDto>?> FindIdempotentAsync(string senderId, string key, string fingerprint)
    {
        if (_recentKeys.TryGetValue((senderId, key), out var recent))
        {
            if (!recent.Accepted.Durable.IsFaulted && !recent.Accepted.Durable.IsCanceled)
            {
                return recent.Fingerprint == fingerprint ? recent.Accepted : throw KeyReused(key);
            }

            // The first attempt was never written: a retry must write, not replay the failure.
            _recentKeys.Remove((senderId, key));
        }

        var found = await messages.FindIdempotentMessageAsync(senderId, key, time.GetUtcNow() - IdempotencyWindow);
        if (found is null)
        {
            return null;
        }

        if (found.RequestHash is not null && found.RequestHash != fingerprint)
        {
            throw KeyReused(key);
        }

        var stored = await messages.GetMessageAsync(found.MessageId);
        if (stored is null)
        {
            return null;
        }

        // Keys recorded before fingerprints existed: only the room can be compared.
        return found.RequestHash is not null || stored.Message.RoomId == roomId
            ? new Accepted<MessageDto>(MessageMapper.ToDto(stored), Task.CompletedTask)
            : throw KeyReused(key);
    }

    private static ApiException KeyReused(string key) =>
        ApiException.Conflict($"Idempotency-Key '{key}' was already used for a different request");

    private void Remember(string senderId, string key, Accepted<MessageDto> accepted, string fingerprint)
    {
        if (_recentKeys.TryAdd((senderId, key), (accepted, fingerprint)))
        {
            _recentKeyOrder.Enqueue((senderId, key));
            if (_recentKeyOrder.Count > RecentKeyCapacity)
            {
                _recentKeys.Remove(_recentKeyOrder.Dequeue());
            }
        }
    }
}
