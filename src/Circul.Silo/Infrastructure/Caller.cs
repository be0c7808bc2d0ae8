using Circul.Grains;
using Circul.Grains.Accounts;

namespace Circul.Silo.Infrastructure;

/// <summary>The authenticated caller of an /api request, put on the HttpContext by <see cref="CallerFilter"/>.</summary>
public static class Caller
{
    private const string ItemKey = "circul.caller";

    public static AuthenticatedUser Get(HttpContext context) =>
        context.Items[ItemKey] as AuthenticatedUser ?? throw ApiException.Unauthorized("missing token");

    public static void Set(HttpContext context, AuthenticatedUser user) => context.Items[ItemKey] = user;

    public static AuthenticatedUser? Find(HttpContext context) => context.Items[ItemKey] as AuthenticatedUser;

    /// <summary>403 for bot callers on humans-only routes.</summary>
    public static AuthenticatedUser RequireHuman(HttpContext context)
    {
        var caller = Get(context);
        return caller.IsBot ? throw ApiException.Forbidden("this route is for humans only") : caller;
    }
}
