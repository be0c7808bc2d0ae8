using Orleans;
using Circul.Grains;
using Circul.Grains.Conversations;
using Circul.Grains.Panels;
using Circul.Silo.Infrastructure;
using Circul.Storage;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Api;

/// <summary>Edit, delete and react to a message by id, whatever room it is in: the message's room grain decides.</summary>
public static class MessagesApi
{
    public static RouteGroupBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapAuthenticatedGroup("/api/messages");
        group.MapPatch("/{id}", EditAsync);
        group.MapDelete("/{id}", DeleteAsync);
        group.MapPost("/{id}/reactions", AddReactionAsync);
        group.MapDelete("/{id}/reactions/{emoji}", RemoveReactionAsync);
        return group;
    }

    public static async Task<IResult> EditAsync(HttpContext context, string id, IGrainFactory grains, IMessageStore messages, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        var text = await MessageRequests.ReadTextAsync(context, limits.Value);
        var (room, panel) = await RoomOfAsync(id, messages);
        return Results.Ok(panel is null
            ? await grains.GetGrain<IConversationGrain>(room).EditMessageAsync(caller.UserId, id, text)
            : await grains.GetGrain<IChannelGrain>(room).EditMessageAsync(panel, caller.UserId, id, text));
    }

    public static async Task<IResult> DeleteAsync(HttpContext context, string id, IGrainFactory grains, IMessageStore messages)
    {
        var caller = Caller.Get(context);
        var (room, panel) = await RoomOfAsync(id, messages);
        await (panel is null
            ? grains.GetGrain<IConversationGrain>(room).DeleteMessageAsync(caller.UserId, id)
            : grains.GetGrain<IChannelGrain>(room).DeleteMessageAsync(panel, caller.UserId, id));
        return Results.NoContent();
    }

    public static async Task<IResult> AddReactionAsync(HttpContext context, string id, IGrainFactory grains, IMessageStore messages, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        var emoji = await MessageRequests.ReadEmojiAsync(context, limits.Value);
        var (room, panel) = await RoomOfAsync(id, messages);
        await (panel is null
            ? grains.GetGrain<IConversationGrain>(room).AddReactionAsync(caller.UserId, id, emoji)
            : grains.GetGrain<IChannelGrain>(room).AddReactionAsync(panel, caller.UserId, id, emoji));
        return Results.NoContent();
    }

    public static async Task<IResult> RemoveReactionAsync(HttpContext context, string id, string emoji, IGrainFactory grains, IMessageStore messages)
    {
        emoji = MessageRequests.ValidateEmoji(Uri.UnescapeDataString(emoji));
        var caller = Caller.Get(context);
        var (room, panel) = await RoomOfAsync(id, messages);
        await (panel is null
            ? grains.GetGrain<IConversationGrain>(room).RemoveReactionAsync(caller.UserId, id, emoji)
            : grains.GetGrain<IChannelGrain>(room).RemoveReactionAsync(panel, caller.UserId, id, emoji));
        return Results.NoContent();
    }

    /// <summary>The room a message lives in; 404 for unknown or deleted messages. Membership is checked by the room.</summary>
    private static async Task<(string Room, string? Panel)> RoomOfAsync(string messageId, IMessageStore messages)
    {
        if (!MessageRequests.IsMessageId(messageId))
        {
            throw ApiException.NotFound("message");
        }

        var stored = await messages.GetMessageAsync(messageId) ?? throw ApiException.NotFound("message");
        return (stored.Message.RoomId, stored.Message.PanelId);
    }
}
