using Circul.Grains;
using Circul.Grains.Accounts;

namespace Circul.Silo.Infrastructure;

/// <summary>Authenticates <c>Authorization: Bot &lt;token&gt;</c> (bot tokens) or <c>Bearer &lt;token&gt;</c>
/// (human sessions); a token sent with the other scheme is rejected.</summary>
public sealed class CallerFilter(TokenService tokens) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        AuthenticatedUser? user = null;
        if (header.StartsWith("Bot ", StringComparison.Ordinal))
        {
            user = await tokens.AuthenticateAsync(header[4..].Trim(), TokenKinds.Bot, http.RequestAborted);
        }
        else if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            user = await tokens.AuthenticateAsync(header[7..].Trim(), TokenKinds.Session, http.RequestAborted);
        }
        else if (header.Length == 0)
        {
            throw ApiException.Unauthorized("missing token: send Authorization: Bot <token> or Bearer <token>");
        }

        if (user is null)
        {
            throw ApiException.Unauthorized("invalid token");
        }

        Caller.Set(http, user);
        return await next(context);
    }
}
