using Orleans;
using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Users;
using Circul.Silo.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Api;

/// <summary>The caller's profile and presence, other users, contacts.</summary>
public static class UsersApi
{
    public const int MaxBioLength = 1000;
    public const int MaxMoodLength = 128;

    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapAuthenticatedGroup("/api");
        group.MapGet("/me", GetMeAsync);
        group.MapPatch("/me", PatchMeAsync);
        group.MapPatch("/bot/me", PatchBotMeAsync);
        group.MapPost("/me/avatar", (HttpContext c, IGrainFactory g, MediaService m) => m.UploadAsync(c, g, ImageKind.Avatar));
        group.MapDelete("/me/avatar", (HttpContext c, IGrainFactory g) => ClearImageAsync(c, g, ImageKind.Avatar));
        group.MapPost("/me/banner", (HttpContext c, IGrainFactory g, MediaService m) => m.UploadAsync(c, g, ImageKind.Banner));
        group.MapDelete("/me/banner", (HttpContext c, IGrainFactory g) => ClearImageAsync(c, g, ImageKind.Banner));
        group.MapGet("/users/{id}", GetUserAsync);
        group.MapGet("/contacts", GetContactsAsync);
        return group;
    }

    public static async Task<Ok<UserDto>> GetMeAsync(HttpContext context, IGrainFactory grains)
    {
        var user = await grains.GetGrain<IUserGrain>(Caller.Get(context).UserId).GetAsync() ?? throw ApiException.Unauthorized();
        return TypedResults.Ok(user);
    }

    public static async Task<Ok<UserDto>> PatchMeAsync(HttpContext context, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var change = new ProfileChange(
            NameRules.RequireNoControlCharacters(body.OptionalString("name", 1, 100, trim: true), "name"),
            body.OptionalString("bio", 0, MaxBioLength),
            body.OptionalString("mood", 0, MaxMoodLength),
            ReadStatus(body));
        return TypedResults.Ok(await grains.GetGrain<IUserGrain>(caller.UserId).UpdateProfileAsync(change));
    }

    public static async Task<Ok<UserDto>> PatchBotMeAsync(HttpContext context, IGrainFactory grains, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.Get(context);
        if (!caller.IsBot)
        {
            throw ApiException.Forbidden("this route is for bots only");
        }

        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var change = new ProfileChange(Mood: body.OptionalString("mood", 0, MaxMoodLength), Status: ReadStatus(body));
        return TypedResults.Ok(await grains.GetGrain<IUserGrain>(caller.UserId).UpdateProfileAsync(change));
    }

    public static async Task<Ok<UserDto>> GetUserAsync(HttpContext context, string id, IGrainFactory grains)
    {
        var caller = Caller.Get(context);
        if (!await grains.GetGrain<IUserGrain>(caller.UserId).CanSeeAsync(id))
        {
            throw ApiException.NotFound("user");
        }

        return TypedResults.Ok(await grains.GetGrain<IUserGrain>(id).GetAsync() ?? throw ApiException.NotFound("user"));
    }

    public static async Task<Ok<List<UserDto>>> GetContactsAsync(HttpContext context, IGrainFactory grains)
    {
        var caller = Caller.Get(context);
        var ids = await grains.GetGrain<IUserGrain>(caller.UserId).GetContactsAsync();
        var users = await Task.WhenAll(ids.Select(id => grains.GetGrain<IUserGrain>(id).GetAsync()));
        return TypedResults.Ok(users.OfType<UserDto>().OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase).ToList());
    }

    /// <summary>DELETE answers 204 (API.md section 1); the updated user reaches the caller's sockets as user_updated.</summary>
    private static async Task<NoContent> ClearImageAsync(HttpContext context, IGrainFactory grains, ImageKind kind)
    {
        await grains.GetGrain<IUserGrain>(Caller.Get(context).UserId).SetImageAsync(kind, "");
        return TypedResults.NoContent();
    }

    private static string? ReadStatus(JsonBody body)
    {
        var status = body.OptionalString("status", 0, 16);
        if (status is not null && !UserStatuses.IsValid(status))
        {
            throw ApiException.BadRequest("status must be one of online, away, busy, offline");
        }

        return status;
    }
}
