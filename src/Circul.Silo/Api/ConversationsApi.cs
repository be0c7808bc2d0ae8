using Orleans;
using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Conversations;
using Circul.Grains.Users;
using Circul.Grains.Webhooks;
using Circul.Silo.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Api;

/// <summary>DMs and groups, and their messages.</summary>
public static class ConversationsApi
{
    public static RouteGroupBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var conversations = app.MapAuthenticatedGroup("/api/conversations");
        conversations.MapGet("/", ListAsync);
        conversations.MapPost("/", OpenDmAsync);
        conversations.MapGet("/{id}", GetAsync);
        conversations.MapGet("/{id}/messages", ListMessagesAsync);
        conversations.MapPost("/{id}/messages", SendMessageAsync).WithMessageBucket();

        var groups = app.MapAuthenticatedGroup("/api/groups");
        groups.MapPost("/", CreateGroupAsync);
        groups.MapGet("/{id}", GetGroupAsync);
        groups.MapPost("/{id}/members", AddMemberAsync);
        groups.MapDelete("/{id}/members/{userId}", RemoveMemberAsync);
        groups.MapGet("/{id}/messages", ListGroupMessagesAsync);
        groups.MapPost("/{id}/messages", SendGroupMessageAsync).WithMessageBucket();
        return conversations;
    }

    public static async Task<Ok<List<ConversationDto>>> ListAsync(HttpContext context, IGrainFactory grains)
    {
        var caller = Caller.Get(context);
        var ids = await grains.GetGrain<IUserGrain>(caller.UserId).ListConversationIdsAsync();
        var conversations = await Task.WhenAll(ids.Select(id => grains.GetGrain<IConversationGrain>(id).GetAsync(caller.UserId)));
        return TypedResults.Ok(conversations.OrderByDescending(ActivityKey, StringComparer.Ordinal).ToList());
    }

    public static async Task<Ok<ConversationDto>> OpenDmAsync(HttpContext context, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        string peerId;
        using (var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes))
        {
            peerId = body.RequireString("peer_id", 1, 64);
        }

        if (!await grains.GetGrain<IUserGrain>(caller.UserId).CanSeeAsync(peerId) || await grains.GetGrain<IUserGrain>(peerId).GetAsync() is null)
        {
            throw ApiException.NotFound("user");
        }

        var dmId = Ids.DmId(Ids.DmKey(caller.UserId, peerId));
        return TypedResults.Ok(await grains.GetGrain<IConversationGrain>(dmId).OpenDmAsync(caller.UserId, peerId));
    }

    public static async Task<Ok<ConversationDto>> GetAsync(HttpContext context, string id, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IConversationGrain>(id).GetAsync(Caller.Get(context).UserId));

    public static Task<Ok<IReadOnlyList<MessageDto>>> ListMessagesAsync(HttpContext context, string id, IGrainFactory grains) =>
        ListRoomMessagesAsync(context, id, grains, groupsOnly: false);

    public static Task<Created<MessageDto>> SendMessageAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits) =>
        SendRoomMessageAsync(context, id, grains, limits, groupsOnly: false);

    public static async Task<Created<ConversationDto>> CreateGroupAsync(HttpContext context, IGrainFactory grains, WebhookBotService webhookBots, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        string name;
        IReadOnlyList<string> memberIds;
        using (var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes))
        {
            name = NameRules.RequireNoControlCharacters(body.RequireString("name", 1, 100, trim: true), "name");
            memberIds = body.OptionalStringArray("member_ids", 200, 64) ?? [];
        }

        var me = grains.GetGrain<IUserGrain>(caller.UserId);
        foreach (var memberId in memberIds.Distinct(StringComparer.Ordinal))
        {
            if (memberId != caller.UserId && !await me.CanSeeAsync(memberId))
            {
                throw ApiException.NotFound($"user {memberId}");
            }
        }

        var groupGrain = grains.GetGrain<IConversationGrain>(Ids.NewId("c-"));
        var group = await groupGrain.CreateGroupAsync(caller.UserId, name, memberIds);
        // Webhook bots allowed in all of the owner's chat rooms join the new group (API section 11, docs/API.md).
        if ((await webhookBots.JoinAllRoomsBotsAsync(caller.UserId, group.Id, null)).Count > 0)
        {
            group = await groupGrain.GetAsync(caller.UserId);
        }

        return TypedResults.Created((string?)null, group);
    }

    public static async Task<Ok<ConversationDto>> GetGroupAsync(HttpContext context, string id, IGrainFactory grains) =>
        TypedResults.Ok(RequireGroup(await grains.GetGrain<IConversationGrain>(id).GetAsync(Caller.Get(context).UserId)));

    public static async Task<Ok<ConversationDto>> AddMemberAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        string userId;
        using (var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes))
        {
            userId = body.RequireString("user_id", 1, 64);
        }

        return TypedResults.Ok(await grains.GetGrain<IConversationGrain>(id).AddMemberAsync(caller.UserId, userId));
    }

    public static async Task<NoContent> RemoveMemberAsync(HttpContext context, string id, string userId, IGrainFactory grains)
    {
        await grains.GetGrain<IConversationGrain>(id).RemoveMemberAsync(Caller.Get(context).UserId, userId);
        return TypedResults.NoContent();
    }

    public static Task<Ok<IReadOnlyList<MessageDto>>> ListGroupMessagesAsync(HttpContext context, string id, IGrainFactory grains) =>
        ListRoomMessagesAsync(context, id, grains, groupsOnly: true);

    public static Task<Created<MessageDto>> SendGroupMessageAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits) =>
        SendRoomMessageAsync(context, id, grains, limits, groupsOnly: true);

    private static async Task<Ok<IReadOnlyList<MessageDto>>> ListRoomMessagesAsync(HttpContext context, string id, IGrainFactory grains, bool groupsOnly)
    {
        var (limit, before, after) = MessageRequests.ReadPaging(context);
        return TypedResults.Ok(await grains.GetGrain<IConversationGrain>(id).ListMessagesAsync(Caller.Get(context).UserId, limit, before, after, groupsOnly));
    }

    private static async Task<Created<MessageDto>> SendRoomMessageAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits, bool groupsOnly)
    {
        var caller = Caller.Get(context);
        var draft = await MessageRequests.ReadDraftAsync(context, limits.Value);
        var key = MessageRequests.IdempotencyKey(context);
        var message = await grains.GetGrain<IConversationGrain>(id).SendMessageAsync(caller.UserId, draft, key, groupsOnly);
        return TypedResults.Created((string?)null, message);
    }

    private static ConversationDto RequireGroup(ConversationDto conversation) =>
        conversation.Kind == "group" ? conversation : throw ApiException.NotFound("group");

    /// <summary>Most recent activity: the newest message id (ids sort in exact acceptance order), or, for rooms without
    /// messages, the creation time put on the same scale.</summary>
    private static string ActivityKey(ConversationDto c) =>
        (c.LastMessageId is null ? SnowflakeIdGenerator.SortKeyAt(c.CreatedAt) : SnowflakeIdGenerator.SortKeyOf(c.LastMessageId)) + c.Id;
}
