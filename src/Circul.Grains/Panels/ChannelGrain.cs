using Circul.Contracts;
using Circul.Grains.Conversations;
using Circul.Grains.Events;
using Circul.Grains.Rooms;
using Circul.Grains.Users;
using Circul.Storage;
using Orleans;

namespace Circul.Grains.Panels;

/// <summary>Owns a panel channel's messages. Reads the panel's immutable snapshot from the silo cache (asking the
/// panel grain only when it is not there), so calls flow Channel → Panel and never back.</summary>
public sealed class ChannelGrain(
    PanelSnapshotSource snapshots, RoomMessagingFactory messagingFactory, IMessageStore messages, IDurableWriter writer) : Grain, IChannelGrain
{
    private RoomMessaging? _messaging;
    private string? _panelId;
    private string? _grainKey;

    public async Task<MessageDto> SendMessageAsync(string panelId, string senderId, MessageDraft draft, string? idempotencyKey)
    {
        await RequirePermissionAsync(panelId, senderId, Permission.SendMessages);
        var sender = await GrainFactory.GetGrain<IUserGrain>(senderId).GetSenderAsync();

        // Checked again on the latest snapshot: other calls may have run while this one awaited the sender.
        var snapshot = await RequirePermissionAsync(panelId, senderId, Permission.SendMessages);
        var accepted = await _messaging!.SendAsync(sender, draft, idempotencyKey, Audience(snapshot));
        await accepted.Durable;
        return accepted.Value;
    }

    public async Task<IReadOnlyList<MessageDto>> ListMessagesAsync(string panelId, string callerId, int limit, string? before, string? after)
    {
        var snapshot = await RequirePermissionAsync(panelId, callerId, Permission.ReadMessageHistory);
        var page = await _messaging!.ListAsync(callerId, limit, before, after);
        var panelSender = new SenderDto(panelId, snapshot.Permissions.PanelName, false, "");
        return [.. page.Select(m => m.IsSystem ? m with { Sender = panelSender } : m)];
    }

    public async Task<MessageDto> EditMessageAsync(string panelId, string callerId, string messageId, string text)
    {
        var snapshot = await RequirePermissionAsync(panelId, callerId, Permission.None, notFound: "message");
        var stored = await _messaging!.RequireMessageAsync(messageId);
        if (stored.Message.SenderId != callerId)
        {
            throw ApiException.Forbidden("only the sender can edit a message");
        }

        return await _messaging.EditAsync(stored, text, Audience(snapshot));
    }

    public async Task DeleteMessageAsync(string panelId, string callerId, string messageId)
    {
        var snapshot = await RequirePermissionAsync(panelId, callerId, Permission.None, notFound: "message");
        var stored = await _messaging!.RequireMessageAsync(messageId);
        if (stored.Message.SenderId != callerId && (snapshot.InChannel(callerId, GrainKey) & Permission.ManageMessages) == 0)
        {
            throw ApiException.Forbidden("missing permission: manage_messages");
        }

        await _messaging.DeleteAsync(stored, Audience(snapshot));
    }

    public async Task AddReactionAsync(string panelId, string callerId, string messageId, string emoji)
    {
        var snapshot = await RequirePermissionAsync(panelId, callerId, Permission.AddReactions, notFound: "message");
        var stored = await _messaging!.RequireMessageAsync(messageId);
        await _messaging.AddReactionAsync(stored, callerId, emoji, Audience(snapshot));
    }

    public async Task RemoveReactionAsync(string panelId, string callerId, string messageId, string emoji)
    {
        var snapshot = await RequirePermissionAsync(panelId, callerId, Permission.None, notFound: "message");
        var stored = await _messaging!.RequireMessageAsync(messageId);
        await _messaging.RemoveReactionAsync(stored, callerId, emoji, Audience(snapshot));
    }

    public async Task MarkReadAsync(string panelId, string callerId)
    {
        await RequirePermissionAsync(panelId, callerId, Permission.None);

        // The newest id comes from storage: system messages (joins, leaves) are written by the panel grain, so this
        // grain's in-memory last id can lag behind them.
        var last = await messages.GetLastMessageIdsAsync([GrainKey]);
        if (last.TryGetValue(GrainKey, out var newest))
        {
            await writer.SubmitAsync(new SetReadMarkerOp(GrainKey, callerId, newest));
        }
    }

    private RoomAudience Audience(PanelSnapshot snapshot)
    {
        return new RoomAudience(EventAudience.ChannelViewers(snapshot.PanelId, GrainKey, snapshot.Version), snapshot.ViewFilter(GrainKey));
    }

    /// <summary>The snapshot after checking: the channel is in the panel and visible to the caller (else 404), and the
    /// caller has <paramref name="permission"/> in it (else 403 naming it).</summary>
    private async Task<PanelSnapshot> RequirePermissionAsync(string panelId, string callerId, Permission permission, string notFound = "channel")
    {
        if (_panelId is not null && _panelId != panelId)
        {
            throw ApiException.NotFound(notFound);
        }

        var snapshot = await snapshots.LatestAsync(panelId);

        if (!snapshot.Permissions.Channels.ContainsKey(GrainKey) || !snapshot.IsMember(callerId))
        {
            throw ApiException.NotFound(notFound);
        }

        var granted = snapshot.InChannel(callerId, GrainKey);
        if ((granted & Permission.ViewChannel) == 0)
        {
            throw ApiException.NotFound(notFound);
        }

        if ((granted & permission) != permission)
        {
            throw ApiException.Forbidden($"missing permission: {Permissions.NameOf(permission)}");
        }

        if (_messaging is null)
        {
            _panelId = panelId;
            // No LoadAsync: a channel never reports its last message id (read markers ask storage), so skip the query.
            _messaging = messagingFactory.Create(GrainKey, panelId);
        }

        return snapshot;
    }

    private string GrainKey => _grainKey ??= this.GetPrimaryKeyString();
}
