using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Webhooks;
using Circul.Silo.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Api;

/// <summary>Consumer API keys of the calling human (API section 11): the key is shown once, in the create answer.</summary>
public static class KeysApi
{
    public static RouteGroupBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapAuthenticatedGroup("/api/keys");
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapDelete("/{id}", DeleteAsync);
        return group;
    }

    public static async Task<Created<ApiKeyCreatedDto>> CreateAsync(HttpContext context, ApiKeyService keys, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.RequireHuman(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var name = NameRules.RequireNoControlCharacters(body.RequireString("name", 1, 100, trim: true), "name");
        return TypedResults.Created((string?)null, await keys.CreateAsync(caller.UserId, name));
    }

    public static async Task<Ok<IReadOnlyList<ApiKeyDto>>> ListAsync(HttpContext context, ApiKeyService keys) =>
        TypedResults.Ok(await keys.ListAsync(Caller.RequireHuman(context).UserId));

    public static async Task<NoContent> DeleteAsync(HttpContext context, string id, ApiKeyService keys)
    {
        await keys.DeleteAsync(Caller.RequireHuman(context).UserId, id);
        return TypedResults.NoContent();
    }
}
