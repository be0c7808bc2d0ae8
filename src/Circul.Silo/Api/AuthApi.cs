using Circul.Grains;
using Circul.Grains.Accounts;
using Circul.Silo.Infrastructure;
using Circul.Silo.RateLimiting;
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

    public static async Task<IResult> RegisterAsync(HttpContext context, AccountService accounts, IOptions<LimitsOptions> limits)
    {
        var (username, password) = await ReadCredentialsAsync(context, limits.Value);
        if (password.Length < 8)
        {
            throw ApiException.BadRequest("password must be at least 8 characters");
        }

        return Results.Json(await accounts.RegisterAsync(username, password), statusCode: 201);
    }

    public static async Task<IResult> LoginAsync(HttpContext context, AccountService accounts, LoginThrottle throttle, IOptions<LimitsOptions> limits)
    {
        var (username, password) = await ReadCredentialsAsync(context, limits.Value);
        return await throttle.GuardAsync(context, username, async () => Results.Ok(await accounts.LoginAsync(username, password)));
    }

    public static async Task<IResult> LogoutAsync(HttpContext context, TokenService tokens)
    {
        var caller = Caller.Get(context);
        if (caller.IsBot)
        {
            throw ApiException.Forbidden("bot tokens are reset through /api/apps/{id}/token/reset");
        }

        await tokens.RevokeAsync(caller.TokenHash);
        return Results.NoContent();
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
