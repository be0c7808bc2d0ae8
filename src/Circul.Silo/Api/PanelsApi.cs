using System.Text.RegularExpressions;
using Orleans;
using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Panels;
using Circul.Silo.Infrastructure;
using Circul.Storage;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Api;

/// <summary>Panels, channels, categories, overrides, roles, members, invites, bans, and channel messages.</summary>
public static partial class PanelsApi
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

    public static async Task<IResult> ListAsync(HttpContext context, IGrainFactory grains, IPanelStore store)
    {
        var caller = Caller.Get(context);
        var ids = await store.ListPanelIdsAsync(caller.UserId, context.RequestAborted);
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

        return Results.Ok(panels);
    }

    public static async Task<IResult> CreateAsync(HttpContext context, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.RequireHuman(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var name = NameRules.RequireNoControlCharacters(body.RequireString("name", 1, 100, trim: true), "name");
        return Results.Json(await grains.GetGrain<IPanelGrain>(Ids.NewId("panel-")).CreateAsync(caller.UserId, name), statusCode: 201);
    }

    public static async Task<IResult> GetAsync(HttpContext context, string id, IGrainFactory grains) =>
        Results.Ok(await grains.GetGrain<IPanelGrain>(id).GetAsync(Caller.Get(context).UserId));

    public static async Task<IResult> UpdateAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var name = NameRules.RequireNoControlCharacters(body.OptionalString("name", 1, 100, trim: true), "name");
        var everyone = ReadPermissions(body, "everyone_permissions");
        return Results.Ok(await grains.GetGrain<IPanelGrain>(id).UpdateAsync(caller.UserId, name, everyone));
    }

    public static async Task<IResult> DeleteAsync(HttpContext context, string id, IGrainFactory grains)
    {
        await grains.GetGrain<IPanelGrain>(id).DeleteAsync(Caller.Get(context).UserId);
        return Results.NoContent();
    }

    public static async Task<IResult> ListChannelsAsync(HttpContext context, string id, IGrainFactory grains, IMessageStore messages)
    {
        var caller = Caller.Get(context);
        var channels = await grains.GetGrain<IPanelGrain>(id).ListChannelsAsync(caller.UserId);
        var unread = await messages.CountUnreadAsync(caller.UserId, [.. channels.Select(c => c.Id)], context.RequestAborted);
        return Results.Ok(channels.Select(c => c with { UnreadCount = unread.GetValueOrDefault(c.Id) }).ToList());
    }

    public static async Task<IResult> CreateChannelAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var name = ReadChannelName(body, required: true)!;
        var category = body.OptionalString("category_id", 1, 64);
        var topic = body.OptionalString("topic", 0, 1024);
        var channel = await grains.GetGrain<IPanelGrain>(id).CreateChannelAsync(caller.UserId, name, category, topic);
        return Results.Json(channel, statusCode: 201);
    }

    public static async Task<IResult> UpdateChannelAsync(HttpContext context, string id, string cid, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var change = new ChannelChange(
            ReadChannelName(body, required: false),
            body.OptionalString("category_id", 0, 64),
            body.OptionalString("topic", 0, 1024),
            ReadInt(body, "position", 0, 10_000));
        return Results.Ok(await grains.GetGrain<IPanelGrain>(id).UpdateChannelAsync(caller.UserId, cid, change));
    }

    public static async Task<IResult> DeleteChannelAsync(HttpContext context, string id, string cid, IGrainFactory grains)
    {
        await grains.GetGrain<IPanelGrain>(id).DeleteChannelAsync(Caller.Get(context).UserId, cid);
        return Results.NoContent();
    }

    public static async Task<IResult> PutOverrideAsync(HttpContext context, string id, string cid, string roleId, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var allow = ReadPermissions(body, "allow") ?? Permission.None;
        var deny = ReadPermissions(body, "deny") ?? Permission.None;
        if ((allow & deny) != Permission.None)
        {
            throw ApiException.BadRequest("allow and deny must not name the same permission");
        }

        return Results.Ok(await grains.GetGrain<IPanelGrain>(id).PutOverrideAsync(caller.UserId, cid, roleId, allow, deny));
    }

    public static async Task<IResult> DeleteOverrideAsync(HttpContext context, string id, string cid, string roleId, IGrainFactory grains)
    {
        await grains.GetGrain<IPanelGrain>(id).DeleteOverrideAsync(Caller.Get(context).UserId, cid, roleId);
        return Results.NoContent();
    }

    public static async Task<IResult> ListMessagesAsync(HttpContext context, string id, string cid, IGrainFactory grains)
    {
        var (limit, before, after) = MessageRequests.ReadPaging(context);
        return Results.Ok(await grains.GetGrain<IChannelGrain>(cid).ListMessagesAsync(id, Caller.Get(context).UserId, limit, before, after));
    }

    public static async Task<IResult> SendMessageAsync(HttpContext context, string id, string cid, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        var draft = await MessageRequests.ReadDraftAsync(context, limits.Value);
        var message = await grains.GetGrain<IChannelGrain>(cid).SendMessageAsync(id, caller.UserId, draft, MessageRequests.IdempotencyKey(context));
        return Results.Json(message, statusCode: 201);
    }

    public static async Task<IResult> MarkReadAsync(HttpContext context, string id, string cid, IGrainFactory grains)
    {
        await grains.GetGrain<IChannelGrain>(cid).MarkReadAsync(id, Caller.Get(context).UserId);
        return Results.NoContent();
    }

    public static async Task<IResult> CreateCategoryAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var name = NameRules.RequireNoControlCharacters(body.RequireString("name", 1, 100, trim: true), "name");
        return Results.Json(await grains.GetGrain<IPanelGrain>(id).CreateCategoryAsync(caller.UserId, name), statusCode: 201);
    }

    public static async Task<IResult> UpdateCategoryAsync(HttpContext context, string id, string cat, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var name = NameRules.RequireNoControlCharacters(body.RequireString("name", 1, 100, trim: true), "name");
        return Results.Ok(await grains.GetGrain<IPanelGrain>(id).UpdateCategoryAsync(caller.UserId, cat, name));
    }

    public static async Task<IResult> DeleteCategoryAsync(HttpContext context, string id, string cat, IGrainFactory grains)
    {
        await grains.GetGrain<IPanelGrain>(id).DeleteCategoryAsync(Caller.Get(context).UserId, cat);
        return Results.NoContent();
    }

    public static async Task<IResult> CreateRoleAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var role = ReadRole(body);
        if (role.Name is null)
        {
            throw ApiException.BadRequest("name is required");
        }

        return Results.Json(await grains.GetGrain<IPanelGrain>(id).CreateRoleAsync(caller.UserId, role), statusCode: 201);
    }

    public static async Task<IResult> UpdateRoleAsync(HttpContext context, string id, string rid, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        return Results.Ok(await grains.GetGrain<IPanelGrain>(id).UpdateRoleAsync(caller.UserId, rid, ReadRole(body)));
    }

    public static async Task<IResult> DeleteRoleAsync(HttpContext context, string id, string rid, IGrainFactory grains)
    {
        await grains.GetGrain<IPanelGrain>(id).DeleteRoleAsync(Caller.Get(context).UserId, rid);
        return Results.NoContent();
    }

    public static async Task<IResult> ListMembersAsync(HttpContext context, string id, IGrainFactory grains) =>
        Results.Ok(await grains.GetGrain<IPanelGrain>(id).ListMembersAsync(Caller.Get(context).UserId));

    public static async Task<IResult> AddMemberRoleAsync(HttpContext context, string id, string uid, string rid, IGrainFactory grains) =>
        Results.Ok(await grains.GetGrain<IPanelGrain>(id).AddMemberRoleAsync(Caller.Get(context).UserId, uid, rid));

    public static async Task<IResult> RemoveMemberRoleAsync(HttpContext context, string id, string uid, string rid, IGrainFactory grains)
    {
        await grains.GetGrain<IPanelGrain>(id).RemoveMemberRoleAsync(Caller.Get(context).UserId, uid, rid);
        return Results.NoContent();
    }

    public static async Task<IResult> RemoveMemberAsync(HttpContext context, string id, string uid, IGrainFactory grains)
    {
        await grains.GetGrain<IPanelGrain>(id).RemoveMemberAsync(Caller.Get(context).UserId, uid);
        return Results.NoContent();
    }

    public static async Task<IResult> AddBotAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var botId = body.RequireString("bot_id", 1, 64);
        return Results.Json(await grains.GetGrain<IPanelGrain>(id).AddBotAsync(caller.UserId, botId), statusCode: 201);
    }

    public static async Task<IResult> BanAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var userId = body.RequireString("user_id", 1, 64);
        var reason = body.OptionalString("reason", 0, 512) ?? "";
        await grains.GetGrain<IPanelGrain>(id).BanAsync(caller.UserId, userId, reason);
        return Results.Json(new { panel_id = id, user_id = userId, reason }, statusCode: 201);
    }

    public static async Task<IResult> CreateInviteAsync(HttpContext context, string id, IGrainFactory grains, IOptions<LimitsOptions> limits)
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
            maxAge = ReadInt(body, "max_age_seconds", 0, int.MaxValue);
            maxUses = ReadInt(body, "max_uses", 0, 1000);
        }

        return Results.Json(await grains.GetGrain<IPanelGrain>(id).CreateInviteAsync(caller.UserId, maxAge, maxUses), statusCode: 201);
    }

    public static async Task<IResult> AcceptInviteAsync(HttpContext context, string code, IGrainFactory grains, IPanelStore store)
    {
        var caller = Caller.Get(context);
        var invite = await store.GetInviteAsync(code, context.RequestAborted) ?? throw ApiException.NotFound("invite");
        return Results.Ok(await grains.GetGrain<IPanelGrain>(invite.PanelId).JoinByInviteAsync(caller.UserId, code));
    }

    private static string? ReadChannelName(JsonBody body, bool required)
    {
        var name = NameRules.RequireNoControlCharacters(required ? body.RequireString("name", 1, 100, trim: true) : body.OptionalString("name", 1, 100, trim: true), "name");
        return name?.ToLowerInvariant().Replace(' ', '-');
    }

    private static RoleChange ReadRole(JsonBody body)
    {
        var color = body.OptionalString("color", 1, 7);
        if (color is not null && !ColorPattern().IsMatch(color))
        {
            throw ApiException.BadRequest("color must be a hex color like #e05252");
        }

        return new RoleChange(
            NameRules.RequireNoControlCharacters(body.OptionalString("name", 1, 100, trim: true), "name"),
            color,
            ReadInt(body, "position", 1, 10_000),
            ReadPermissions(body, "permissions"));
    }

    private static Permission? ReadPermissions(JsonBody body, string field)
    {
        var names = body.OptionalStringArray(field, 32, 64);
        return names is null ? null : Permissions.Parse(names, field);
    }

    private static int? ReadInt(JsonBody body, string field, int min, int max)
    {
        var value = body.OptionalInt(field);
        if (value is not null && (value < min || value > max))
        {
            throw ApiException.BadRequest($"{field} must be from {min} to {max}");
        }

        return value;
    }

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex ColorPattern();
}
