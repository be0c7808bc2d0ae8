using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Accounts;
using Circul.Grains.Users;
using Circul.Silo.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Api;

/// <summary>My Apps over REST: bot applications of the calling human.</summary>
public static class AppsApi
{
    public const int MaxRedirectUris = 10;

    public static RouteGroupBuilder MapAppsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapAuthenticatedGroup("/api/apps");
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPatch("/{id}", UpdateAsync);
        group.MapDelete("/{id}", DeleteAsync);
        group.MapPost("/{id}/token/reset", ResetTokenAsync);
        return group;
    }

    public static async Task<Created<AppCreatedDto>> CreateAsync(HttpContext context, AccountService accounts, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.RequireHuman(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var name = NameRules.RequireNoControlCharacters(body.RequireString("name", 1, 100, trim: true), "name");
        var description = body.OptionalString("description", 0, 1000) ?? "";
        var redirectUris = ReadRedirectUris(body) ?? [];
        return TypedResults.Created((string?)null, await accounts.CreateAppAsync(caller.UserId, name, description, redirectUris));
    }

    public static async Task<Ok<IReadOnlyList<AppDto>>> ListAsync(HttpContext context, AccountService accounts) =>
        TypedResults.Ok(await accounts.ListAppsAsync(Caller.RequireHuman(context).UserId));

    public static async Task<Ok<AppDto>> GetAsync(HttpContext context, string id, AccountService accounts) =>
        TypedResults.Ok(await accounts.GetAppAsync(Caller.RequireHuman(context).UserId, id));

    public static async Task<Ok<AppDto>> UpdateAsync(HttpContext context, string id, AccountService accounts, IOptions<LimitsOptions> limits)
    {
        var caller = Caller.RequireHuman(context);
        using var body = await JsonBody.ReadAsync(context, limits.Value.MaxBodyBytes);
        var change = new AppChange(
            NameRules.RequireNoControlCharacters(body.OptionalString("name", 1, 100, trim: true), "name"),
            body.OptionalString("description", 0, 1000),
            ReadRedirectUris(body));
        return TypedResults.Ok(await accounts.UpdateAppAsync(caller.UserId, id, change));
    }

    public static async Task<NoContent> DeleteAsync(HttpContext context, string id, AccountService accounts)
    {
        await accounts.DeleteAppAsync(Caller.RequireHuman(context).UserId, id);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<TokenDto>> ResetTokenAsync(HttpContext context, string id, AccountService accounts) =>
        TypedResults.Ok(await accounts.ResetTokenAsync(Caller.RequireHuman(context).UserId, id));

    private static IReadOnlyList<string>? ReadRedirectUris(JsonBody body)
    {
        var uris = body.OptionalStringArray("redirect_uris", MaxRedirectUris, 2000);
        return uris is null ? null : ValidateRedirectUris(uris);
    }

    /// <summary>The redirect URI rules (shared with the My Apps pages): absolute http or https, no fragment; duplicates
    /// dropped. The OAuth authorize page compares against these strings exactly.</summary>
    public static IReadOnlyList<string> ValidateRedirectUris(IReadOnlyList<string> uris)
    {
        ArgumentNullException.ThrowIfNull(uris);
        foreach (var uri in uris)
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Fragment.Length > 0)
            {
                throw ApiException.BadRequest($"redirect_uris: '{uri}' must be an absolute http or https URI without a fragment");
            }
        }

        return [.. uris.Distinct(StringComparer.Ordinal)];
    }
}
