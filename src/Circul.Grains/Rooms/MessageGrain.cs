using Circul.Contracts;
using Circul.Grains.Conversations;
using Circul.Grains.Panels;
using Circul.Storage;
using Orleans;
using Orleans.Concurrency;

namespace Circul.Grains.Rooms;

/// <summary>Finds a message's room (a message never moves, so the answer is kept for the activation) and forwards the
/// call to that room's grain, the one that reads the message in its turn and decides. Stateless: served on the silo
/// that received the request.</summary>
[StatelessWorker]
public sealed class MessageGrain(IMessageStore messages) : Grain, IMessageGrain
{
    private (string Room, string? Panel)? _room;

    public async Task<MessageDto> EditAsync(string callerId, string text)
    {
        var (room, panel) = await RoomAsync();
        return panel is null
            ? await GrainFactory.GetGrain<IConversationGrain>(room).EditMessageAsync(callerId, MessageId, text)
            : await GrainFactory.GetGrain<IChannelGrain>(room).EditMessageAsync(panel, callerId, MessageId, text);
    }

    public async Task DeleteAsync(string callerId)
    {
        var (room, panel) = await RoomAsync();
        await (panel is null
            ? GrainFactory.GetGrain<IConversationGrain>(room).DeleteMessageAsync(callerId, MessageId)
            : GrainFactory.GetGrain<IChannelGrain>(room).DeleteMessageAsync(panel, callerId, MessageId));
    }

    public async Task AddReactionAsync(string callerId, string emoji)
    {
        var (room, panel) = await RoomAsync();
        await (panel is null
            ? GrainFactory.GetGrain<IConversationGrain>(room).AddReactionAsync(callerId, MessageId, emoji)
            : GrainFactory.GetGrain<IChannelGrain>(room).AddReactionAsync(panel, callerId, MessageId, emoji));
    }

    public async Task RemoveReactionAsync(string callerId, string emoji)
    {
        var (room, panel) = await RoomAsync();
        await (panel is null
            ? GrainFactory.GetGrain<IConversationGrain>(room).RemoveReactionAsync(callerId, MessageId, emoji)
            : GrainFactory.GetGrain<IChannelGrain>(room).RemoveReactionAsync(panel, callerId, MessageId, emoji));
    }

    /// <summary>The room a message lives in; 404 for unknown or deleted messages. Membership is checked by the room.</summary>
    private async Task<(string Room, string? Panel)> RoomAsync()
    {
        if (_room is { } known)
        {
            return known;
        }

        var stored = await messages.GetMessageAsync(MessageId) ?? throw ApiException.NotFound("message");
        _room = (stored.Message.RoomId, stored.Message.PanelId);
        return _room.Value;
    }

    private string MessageId => this.GetPrimaryKeyString();
}
