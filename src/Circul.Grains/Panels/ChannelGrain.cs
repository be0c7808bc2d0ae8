using Circul.Contracts;
using Circul.Grains.Conversations;
using Circul.Grains.Events;
using Circul.Grains.Rooms;
using Circul.Grains.Users;
using Circul.Storage;
using Orleans;

namespace Circul.Grains.Panels;

/// <summary>Owns a panel channel's messages: the only writer of its room (the panel's system messages come through
/// <see cref="PostSystemMessageAsync"/>). Reads the panel's immutable snapshot from the silo cache (asking the panel
/// grain only when it is not there), so calls flow Channel → Panel and never back.</summary>
public sealed class ChannelGrain(PanelSnapshotSource snapshots, RoomMessagingFactory messagingFactory, IDurableWriter writer) : Grain, IChannelGrain
{
    private RoomMessaging? _messaging;
    private Task? _loaded;
    private string? _panelId;
    private string? _grainKey;

    public async Task<MessageDto> SendMessageAsync(string panelId, string senderId, MessageDraft draft, string? idempotencyKey)
    {
        var first = await RequirePermissionAsync(panelId, senderId, Permission.SendMessages);
        var sender = await GrainFactory.GetGrain<IUserGrain>(senderId).GetSenderAsync();
        await _messaging!.Webhooks!.EnsureLoadedAsync(first.Permissions.CreatorId);

        // Checked again on the latest snapshot: other calls may have run while this one awaited the sender.
        var snapshot = await RequirePermissionAsync(panelId, senderId, Permission.SendMessages);
        var accepted = await _messaging!.SendAsync(sender, draft, idempotencyKey, Audience(snapshot));
        await accepted.Durable;
        return accepted.Value;
    }

    public Task RefreshWebhooksAsync(string panelId)
    {
        if (_panelId is null || _panelId == panelId)
        {
            _messaging?.Webhooks?.Invalidate();
        }

        return Task.CompletedTask;
    }

    public async Task PostSystemMessageAsync(string panelId, string panelName, string text, IReadOnlyList<string> mentions, long snapshotVersion)
    {
        var messaging = await MessagingAsync(panelId, "channel");
        var sender = new SenderDto(panelId, panelName, false, "");

        // Mentions were resolved by the panel against the snapshot of snapshotVersion; the same set is the view test here.
        var audience = new RoomAudience(EventAudience.ChannelViewers(panelId, GrainKey, snapshotVersion), mentions.Contains);
        var accepted = await messaging.SendAsync(sender, new MessageDraft(text, false, false, mentions, null), null, audience, isSystem: true);
        await accepted.Durable;
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
        var stored = await _messaging!.RequireMessageAsync(messageId, callerId);
        if (stored.Message.SenderId != callerId)
        {
            throw ApiException.Forbidden("only the sender can edit a message");
        }

        return await _messaging.EditAsync(stored, text, Audience(snapshot));
    }

    public async Task DeleteMessageAsync(string panelId, string callerId, string messageId)
    {
        var snapshot = await RequirePermissionAsync(panelId, callerId, Permission.None, notFound: "message");
        var stored = await _messaging!.RequireMessageAsync(messageId, callerId);
        if (stored.Message.SenderId != callerId && (snapshot.InChannel(callerId, GrainKey) & Permission.ManageMessages) == 0)
        {
            throw ApiException.Forbidden("missing permission: manage_messages");
        }

        await _messaging.DeleteAsync(stored, Audience(snapshot));
    }

    public async Task AddReactionAsync(string panelId, string callerId, string messageId, string emoji)
    {
        var snapshot = await RequirePermissionAsync(panelId, callerId, Permission.AddReactions, notFound: "message");
        var stored = await _messaging!.RequireMessageAsync(messageId, callerId);
        await _messaging.AddReactionAsync(stored, callerId, emoji, Audience(snapshot));
    }

    public async Task RemoveReactionAsync(string panelId, string callerId, string messageId, string emoji)
    {
        var snapshot = await RequirePermissionAsync(panelId, callerId, Permission.None, notFound: "message");
        var stored = await _messaging!.RequireMessageAsync(messageId, callerId);
        await _messaging.RemoveReactionAsync(stored, callerId, emoji, Audience(snapshot));
    }

    public async Task MarkReadAsync(string panelId, string callerId)
    {
        await RequirePermissionAsync(panelId, callerId, Permission.None);

        // This grain writes every message of its room, so its newest id is the room's newest (loaded once per
        // activation). Private messages included: a marker past a message the caller cannot see counts nothing extra.
        if (_messaging!.NewestMessageId is { } newest)
        {
            await writer.SubmitAsync(new SetReadMarkerOp(GrainKey, callerId, newest));
        }
    }

    private RoomAudience Audience(PanelSnapshot snapshot)
    {
        return new RoomAudience(EventAudience.ChannelViewers(snapshot.PanelId, GrainKey, snapshot.Version), snapshot.ViewFilter(GrainKey));
    }

    /// <summary>The snapshot after checking: the caller can view the channel, which is in the panel (else 404), and has
    /// <paramref name="permission"/> in it (else 403 naming it).</summary>
    private async Task<PanelSnapshot> RequirePermissionAsync(string panelId, string callerId, Permission permission, string notFound = "channel")
    {
        if (_panelId is not null && _panelId != panelId)
        {
            throw ApiException.NotFound(notFound);
        }

        var snapshot = await snapshots.LatestAsync(panelId);
        if (!snapshot.CanView(callerId, GrainKey) || (snapshot.InChannel(callerId, GrainKey) & permission) != permission)
        {
            // A refusal is confirmed against the panel grain's newest version: this silo's copy can lag behind a change
            // that was answered without its acknowledgement (an announcement timed out), and must not make a false 404
            // or 403. Only the refusal path pays this grain call.
            try
            {
                snapshot = await snapshots.RefreshAsync(panelId);
            }
            catch (ApiException e) when (e.StatusCode == 404)
            {
                throw ApiException.NotFound(notFound);
            }
        }

        if (!snapshot.CanView(callerId, GrainKey))
        {
            throw ApiException.NotFound(notFound);
        }

        PanelRules.RequireChannelPermission(snapshot, callerId, GrainKey, permission);
        await MessagingAsync(panelId, notFound);
        return snapshot;
    }

    /// <summary>The room's messaging, created for the panel on first use, with the room's last message id loaded before
    /// any call uses it (every call awaits the same load, so no send can be overtaken by it).</summary>
    private async Task<RoomMessaging> MessagingAsync(string panelId, string notFound)
    {
        if (_panelId is not null && _panelId != panelId)
        {
            throw ApiException.NotFound(notFound);
        }

        if (_messaging is null)
        {
            _panelId = panelId;
            _messaging = messagingFactory.Create(GrainKey, panelId);
        }

        if (_loaded is null || _loaded.IsFaulted || _loaded.IsCanceled)
        {
            _loaded = _messaging.LoadAsync();
        }

        await _loaded;
        return _messaging;
    }

    private string GrainKey => _grainKey ??= this.GetPrimaryKeyString();
}
