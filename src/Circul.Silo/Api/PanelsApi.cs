using Orleans;
using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Panels;
using Circul.Grains.Webhooks;
using Circul.Grains.Users;
using Circul.Silo.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Api;

/// <summary>Panels, channels, categories, overrides, roles, members, invites, bans, and channel messages. Handlers read
/// the request's shape (types, required fields, lengths), make one grain call and map its answer; every rule is the
/// grain's (see <see cref="PanelRules"/>). Domain failures are exceptions the error middleware maps.</summary>
public static class PanelsApi
{
    public static RouteGroupBuilder MapPanelsApi(this IEndpointRouteBuilder app)
    {
        var panels = app.MapAuthenticatedGroup("/api/panels");
        panels.MapGet("/", ListAsync);
        panels.MapPost("/", CreateAsync);
        panels.MapGet("/{id}", GetAsync);
        panels.MapPatch("/{id}", UpdateAsync);
        panels.MapDelete("/{id}", DeleteAsync);

        panels.MapGet("/{id}/channels", ListChannelsAsync);
        panels.MapPost("/{id}/channels", CreateChannelAsync);
        panels.MapPatch("/{id}/channels/{cid}", UpdateChannelAsync);
        panels.MapDelete("/{id}/channels/{cid}", DeleteChannelAsync);
        panels.MapPut("/{id}/channels/{cid}/overrides/{roleId}", PutOverrideAsync);
        panels.MapDelete("/{id}/channels/{cid}/overrides/{roleId}", DeleteOverrideAsync);
        panels.MapGet("/{id}/channels/{cid}/messages", ListMessagesAsync);
        panels.MapPost("/{id}/channels/{cid}/messages", SendMessageAsync).WithMessageBucket();
        panels.MapPost("/{id}/channels/{cid}/read", MarkReadAsync);

        panels.MapPost("/{id}/categories", CreateCategoryAsync);
        panels.MapPatch("/{id}/categories/{cat}", UpdateCategoryAsync);
        panels.MapDelete("/{id}/categories/{cat}", DeleteCategoryAsync);

        panels.MapPost("/{id}/roles", CreateRoleAsync);
        panels.MapPatch("/{id}/roles/{rid}", UpdateRoleAsync);
        panels.MapDelete("/{id}/roles/{rid}", DeleteRoleAsync);

        panels.MapGet("/{id}/members", ListMembersAsync);
        panels.MapPut("/{id}/members/{uid}/roles/{rid}", AddMemberRoleAsync);
        panels.MapDelete("/{id}/members/{uid}/roles/{rid}", RemoveMemberRoleAsync);
        panels.MapDelete("/{id}/members/{uid}", RemoveMemberAsync);
        panels.MapPost("/{id}/bots", AddBotAsync);
        panels.MapPost("/{id}/bans", BanAsync);
        panels.MapPost("/{id}/invites", CreateInviteAsync);

        var invites = app.MapAuthenticatedGroup("/api/invites");
        invites.MapPost("/{code}/accept", AcceptInviteAsync);
        return panels;
    }

    public static async Task<Ok<List<PanelDto>>> ListAsync(HttpContext context, IGrainFactory grains)
    {
        var caller = Caller.Get(context);
        var ids = await grains.GetGrain<IUserGrain>(caller.UserId).ListPanelIdsAsync();
        var panels = new List<PanelDto>(ids.Count);
        foreach (var id in ids)
        {
            try
            {
                panels.Add(await grains.GetGrain<IPanelGrain>(id).GetAsync(caller.UserId));
            }
            catch (ApiException e) when (e.StatusCode == 404)
            {
                // left or deleted between the two reads
            }
        }

        return TypedResults.Ok(panels);
    }

    public static async Task<Created<PanelDto>> CreateAsync(HttpContext context, IGrainFactory grains, WebhookBotService webhookBots, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.RequireHuman(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var name = NameRules.RequireNoControlCharacters(body.RequireString("name", 1, 100, trim: true), "name");
        var panelGrain = grains.GetGrain<IPanelGrain>(Ids.NewId("panel-"));
        var panel = await panelGrain.CreateAsync(caller.UserId, name);
        // Webhook bots allowed in all of the owner's chat rooms join the new panel (API section 11, docs/API.md).
        if ((await webhookBots.JoinAllRoomsBotsAsync(caller.UserId, panel.Id, panel.Id)).Count > 0)
        {
            panel = await panelGrain.GetAsync(caller.UserId);
        }

        return CreatedNoLocation(panel);
    }

    public static async Task<Ok<PanelDto>> GetAsync(HttpContext context, string id, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IPanelGrain>(id).GetAsync(Caller.Get(context).UserId));

    public static async Task<Ok<PanelDto>> UpdateAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var name = NameRules.RequireNoControlCharacters(body.OptionalString("name", 1, 100, trim: true), "name");
        var everyone = ReadPermissions(body, "everyone_permissions");
        return TypedResults.Ok(await grains.GetGrain<IPanelGrain>(id).UpdateAsync(caller.UserId, name, everyone));
    }

    public static async Task<NoContent> DeleteAsync(HttpContext context, string id, IGrainFactory grains)
    {
        await grains.GetGrain<IPanelGrain>(id).DeleteAsync(Caller.Get(context).UserId);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<IReadOnlyList<ChannelDto>>> ListChannelsAsync(HttpContext context, string id, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IPanelGrain>(id).ListChannelsAsync(Caller.Get(context).UserId));

    public static async Task<Created<ChannelDto>> CreateChannelAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var name = NameRules.RequireNoControlCharacters(body.RequireString("name", 1, 100, trim: true), "name");
        var category = body.OptionalString("category_id", 1, 64);
        var topic = body.OptionalString("topic", 0, 1024);
        return CreatedNoLocation(await grains.GetGrain<IPanelGrain>(id).CreateChannelAsync(caller.UserId, name, category, topic));
    }

    public static async Task<Ok<ChannelDto>> UpdateChannelAsync(HttpContext context, string id, string cid, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var change = new ChannelChange(
            NameRules.RequireNoControlCharacters(body.OptionalString("name", 1, 100, trim: true), "name"),
            body.OptionalString("category_id", 0, 64),
            body.OptionalString("topic", 0, 1024),
            body.OptionalInt("position"));
        return TypedResults.Ok(await grains.GetGrain<IPanelGrain>(id).UpdateChannelAsync(caller.UserId, cid, change));
    }

    public static async Task<NoContent> DeleteChannelAsync(HttpContext context, string id, string cid, IGrainFactory grains)
    {
        await grains.GetGrain<IPanelGrain>(id).DeleteChannelAsync(Caller.Get(context).UserId, cid);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<ChannelDto>> PutOverrideAsync(
        HttpContext context, string id, string cid, string roleId, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var allow = ReadPermissions(body, "allow") ?? Permission.None;
        var deny = ReadPermissions(body, "deny") ?? Permission.None;
        return TypedResults.Ok(await grains.GetGrain<IPanelGrain>(id).PutOverrideAsync(caller.UserId, cid, roleId, allow, deny));
    }

    public static async Task<NoContent> DeleteOverrideAsync(HttpContext context, string id, string cid, string roleId, IGrainFactory grains)
    {
        await grains.GetGrain<IPanelGrain>(id).DeleteOverrideAsync(Caller.Get(context).UserId, cid, roleId);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<IReadOnlyList<MessageDto>>> ListMessagesAsync(HttpContext context, string id, string cid, IGrainFactory grains)
    {
        var (limit, before, after) = MessageRequests.ReadPaging(context);
        return TypedResults.Ok(await grains.GetGrain<IChannelGrain>(cid).ListMessagesAsync(id, Caller.Get(context).UserId, limit, before, after));
    }

    public static async Task<Created<MessageDto>> SendMessageAsync(HttpContext context, string id, string cid, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        var draft = await MessageRequests.ReadDraftAsync(context, limits.Value);
        return CreatedNoLocation(await grains.GetGrain<IChannelGrain>(cid).SendMessageAsync(id, caller.UserId, draft, MessageRequests.IdempotencyKey(context)));
    }

    public static async Task<NoContent> MarkReadAsync(HttpContext context, string id, string cid, IGrainFactory grains)
    {
        await grains.GetGrain<IChannelGrain>(cid).MarkReadAsync(id, Caller.Get(context).UserId);
        return TypedResults.NoContent();
    }

    public static async Task<Created<CategoryDto>> CreateCategoryAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var name = NameRules.RequireNoControlCharacters(body.RequireString("name", 1, 100, trim: true), "name");
        return CreatedNoLocation(await grains.GetGrain<IPanelGrain>(id).CreateCategoryAsync(caller.UserId, name));
    }

    public static async Task<Ok<CategoryDto>> UpdateCategoryAsync(HttpContext context, string id, string cat, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var name = NameRules.RequireNoControlCharacters(body.RequireString("name", 1, 100, trim: true), "name");
        return TypedResults.Ok(await grains.GetGrain<IPanelGrain>(id).UpdateCategoryAsync(caller.UserId, cat, name));
    }

    public static async Task<NoContent> DeleteCategoryAsync(HttpContext context, string id, string cat, IGrainFactory grains)
    {
        await grains.GetGrain<IPanelGrain>(id).DeleteCategoryAsync(Caller.Get(context).UserId, cat);
        return TypedResults.NoContent();
    }

    public static async Task<Created<RoleDto>> CreateRoleAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var role = ReadRole(body);
        if (role.Name is null)
        {
            throw ApiException.BadRequest("name is required");
        }

        return CreatedNoLocation(await grains.GetGrain<IPanelGrain>(id).CreateRoleAsync(caller.UserId, role));
    }

    public static async Task<Ok<RoleDto>> UpdateRoleAsync(HttpContext context, string id, string rid, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        return TypedResults.Ok(await grains.GetGrain<IPanelGrain>(id).UpdateRoleAsync(caller.UserId, rid, ReadRole(body)));
    }

    public static async Task<NoContent> DeleteRoleAsync(HttpContext context, string id, string rid, IGrainFactory grains)
    {
        await grains.GetGrain<IPanelGrain>(id).DeleteRoleAsync(Caller.Get(context).UserId, rid);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<IReadOnlyList<PanelMemberDto>>> ListMembersAsync(HttpContext context, string id, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IPanelGrain>(id).ListMembersAsync(Caller.Get(context).UserId));

    public static async Task<Ok<PanelMemberDto>> AddMemberRoleAsync(HttpContext context, string id, string uid, string rid, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IPanelGrain>(id).AddMemberRoleAsync(Caller.Get(context).UserId, uid, rid));

    public static async Task<NoContent> RemoveMemberRoleAsync(HttpContext context, string id, string uid, string rid, IGrainFactory grains)
    {
        await grains.GetGrain<IPanelGrain>(id).RemoveMemberRoleAsync(Caller.Get(context).UserId, uid, rid);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> RemoveMemberAsync(HttpContext context, string id, string uid, IGrainFactory grains)
    {
        await grains.GetGrain<IPanelGrain>(id).RemoveMemberAsync(Caller.Get(context).UserId, uid);
        return TypedResults.NoContent();
    }

    public static async Task<Created<PanelMemberDto>> AddBotAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var botId = body.RequireString("bot_id", 1, 64);
        return CreatedNoLocation(await grains.GetGrain<IPanelGrain>(id).AddBotAsync(caller.UserId, botId));
    }

    public static async Task<Created<PanelBanDto>> BanAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var userId = body.RequireString("user_id", 1, 64);
        var reason = body.OptionalString("reason", 0, 512) ?? "";
        await grains.GetGrain<IPanelGrain>(id).BanAsync(caller.UserId, userId, reason);
        return CreatedNoLocation(new PanelBanDto(id, userId, reason));
    }

    public static async Task<Created<InviteDto>> CreateInviteAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        int? maxAge;
        int? maxUses;
        if (context.Request.ContentLength is null or 0 && !context.Request.Headers.ContainsKey("Transfer-Encoding"))
        {
            (maxAge, maxUses) = (null, null);
        }
        else
        {
            using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
            maxAge = body.OptionalInt("max_age_seconds");
            maxUses = body.OptionalInt("max_uses");
        }

        return CreatedNoLocation(await grains.GetGrain<IPanelGrain>(id).CreateInviteAsync(caller.UserId, maxAge, maxUses));
    }

    public static async Task<Ok<PanelDto>> AcceptInviteAsync(HttpContext context, string code, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IInviteGrain>(code).AcceptAsync(Caller.Get(context).UserId));

    /// <summary>201 with the created object and no Location header, as the contract's creating POSTs answer.</summary>
    private static Created<T> CreatedNoLocation<T>(T value) => TypedResults.Created((string?)null, value);

    private static RoleChange ReadRole(JsonBody body)
    {
        var color = body.OptionalString("color", 1, 7);
        return new RoleChange(NameRules.RequireNoControlCharacters(body.OptionalString("name", 1, 100, trim: true), "name"), color, body.OptionalInt("position"), ReadPermissions(body, "permissions"));
    }

    private static Permission? ReadPermissions(JsonBody body, string field)
    {
        var names = body.OptionalStringArray(field, 32, 64);
        return names is null ? null : Permissions.Parse(names, field);
    }
}
