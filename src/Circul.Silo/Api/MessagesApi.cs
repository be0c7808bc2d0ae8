using Orleans;
using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Rooms;
using Circul.Silo.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Api;

/// <summary>Edit, delete and react to a message by id, whatever room it is in: the message grain finds the room, whose
/// grain decides.</summary>
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

    public static async Task<Ok<MessageDto>> EditAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        var text = await MessageRequests.ReadTextAsync(context, limits.Value);
        return TypedResults.Ok(await Message(grains, id).EditAsync(caller.UserId, text));
    }

    public static async Task<NoContent> DeleteAsync(HttpContext context, string id, IGrainFactory grains)
    {
        var caller = Caller.Get(context);
        await Message(grains, id).DeleteAsync(caller.UserId);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> AddReactionAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        var emoji = await MessageRequests.ReadEmojiAsync(context, limits.Value);
        await Message(grains, id).AddReactionAsync(caller.UserId, emoji);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> RemoveReactionAsync(HttpContext context, string id, string emoji, IGrainFactory grains)
    {
        emoji = MessageRequests.ValidateEmoji(Uri.UnescapeDataString(emoji));
        var caller = Caller.Get(context);
        await Message(grains, id).RemoveReactionAsync(caller.UserId, emoji);
        return TypedResults.NoContent();
    }

    /// <summary>The message's grain; a route id that is not a message id at all is 404 without a grain call.</summary>
    private static IMessageGrain Message(IGrainFactory grains, string messageId) =>
        MessageRequests.IsMessageId(messageId) ? grains.GetGrain<IMessageGrain>(messageId) : throw ApiException.NotFound("message");
}
