using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Accounts;
using Circul.Silo.Infrastructure;
using Circul.Silo.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Api;

public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup("/api/auth").AddEndpointFilter<RateLimitFilter>();
        open.MapPost("/register", RegisterAsync);
        open.MapPost("/login", LoginAsync);
        var group = app.MapAuthenticatedGroup("/api/auth");
        group.MapPost("/logout", LogoutAsync);
        return group;
    }

    public static async Task<Created<AuthResultDto>> RegisterAsync(HttpContext context, AccountService accounts, IOptions<LimitsOptions> limits)
    {
        var (username, password) = await ReadCredentialsAsync(context, limits.Value);
        if (password.Length < 8)
        {
            throw ApiException.BadRequest("password must be at least 8 characters");
        }

        return TypedResults.Created((string?)null, await accounts.RegisterAsync(username, password));
    }

    public static async Task<Results<Ok<AuthResultDto>, JsonHttpResult<RateLimitedDto>>> LoginAsync(
        HttpContext context, AccountService accounts, LoginThrottle throttle, IOptions<LimitsOptions> limits)
    {
        var (username, password) = await ReadCredentialsAsync(context, limits.Value);
        return await throttle.GuardAsync(context, username, async () => TypedResults.Ok(await accounts.LoginAsync(username, password)));
    }

    public static async Task<NoContent> LogoutAsync(HttpContext context, TokenService tokens)
    {
        var caller = Caller.Get(context);
        if (caller.IsBot)
        {
            throw ApiException.Forbidden("bot tokens are reset through /api/apps/{id}/token/reset");
        }

        await tokens.RevokeAsync(caller.TokenHash);
        return TypedResults.NoContent();
    }

    private static async Task<(string Username, string Password)> ReadCredentialsAsync(HttpContext context, LimitsOptions limits)
    {
        using var body = await JsonBody.ReadAsync(context, limits.MaxBodyBytes);
        var username = body.RequireString("username", 1, 100, trim: true);
        if (username.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw ApiException.BadRequest("username must not contain spaces or control characters");
        }

        var password = body.RequireString("password", 1, 1024);
        return (username, password);
    }
}
