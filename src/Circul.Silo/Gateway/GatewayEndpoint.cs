using System.Globalization;
using Orleans;
using Orleans.Runtime;
using Circul.Contracts;
using Circul.Grains.Accounts;
using Circul.Grains.Users;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Gateway;

/// <summary>
/// <c>GET /ws?token=…[&amp;session_id=…&amp;last_seq=N]</c>: authenticates before the upgrade, upgrades, tells the user
/// grain about the connection, opens or resumes the session, then serves the socket until it ends.
/// </summary>
internal sealed class GatewayEndpoint(
    GatewayRegistry registry, IOptions<GatewayOptions> options, TimeProvider time, GatewayMetrics metrics, ILocalSiloDetails silo,
    ILogger<GatewayEndpoint> logger)
{
    private readonly GatewayOptions _options = options.Value;

    // Presence is counted per silo, so that a dead silo's connections can be dropped by a live one.
    private readonly string _silo = silo.SiloAddress.ToParsableString();

    public async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var query = context.Request.Query;
        var token = query["token"].Count > 0 ? query["token"][0] : null;
        var user = string.IsNullOrEmpty(token)
            ? null
            : await services.GetRequiredService<TokenService>().AuthenticateAnyAsync(token, context.RequestAborted);
        if (user is null)
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "invalid token");
            return;
        }

        var userGrain = services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(user.UserId);
        if (await userGrain.GetAsync() is null)
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "invalid token");
            return;
        }

        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var error = WebSocketHandshake.Validate(context.Request, upgrade, out var key);
        if (error is not null)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        // The cap holds per silo (checked here without a call) and cluster-wide (the user grain counts every silo's).
        using var slot = registry.TryReserveSocket(user.TokenHash);
        if (slot is null || !await userGrain.TryReserveSocketAsync(user.TokenHash, _silo, _options.MaxSocketsPerToken))
        {
            await RefuseTooManySocketsAsync(context);
            return;
        }

        try
        {
            var resume = ReadResume(query);
            WebSocketHandshake.Accept(context.Response, key);
            var stream = await upgrade!.UpgradeAsync();
            await ServeAsync(context, stream, user, userGrain, resume, slot);
        }
        finally
        {
            try
            {
                await userGrain.ReleaseSocketAsync(user.TokenHash, _silo);
            }
            catch (Exception e)
            {
                logger.PresenceFailed("socket place release", user.UserId, e);
            }
        }
    }

    private async Task ServeAsync(
        HttpContext context, Stream stream, AuthenticatedUser user, IUserGrain userGrain, ResumeRequest? resume, GatewaySocketSlot slot)
    {
        using var connection = new GatewayConnection(context, stream, user.UserId, user.TokenHash, _options, time, metrics, logger);
        registry.Track(connection);
        connection.Start();

        // A logout or token reset that ran between the token check above and Track found nothing to close: look again.
        if (!await context.RequestServices.GetRequiredService<TokenService>().IsActiveAsync(user.TokenHash))
        {
            connection.RequestClose(GatewayCloseCodes.TokenRevoked, "token revoked");
        }

        logger.ConnectionOpened(user.UserId);
        var connected = false;
        try
        {
            try
            {
                await userGrain.ConnectedAsync(_silo);
                connected = true;
            }
            catch (Exception e)
            {
                logger.PresenceFailed("connected", user.UserId, e);
                connection.RequestClose(GatewayCloseCodes.InternalError, "internal error");
            }

            if (connected && !connection.IsClosing)
            {
                await OpenSessionAsync(connection, user, userGrain, resume);
            }

            await connection.RunAsync();
        }
        finally
        {
            registry.Release(connection);

            // The socket is gone: give its place back now, not after the presence call below.
            slot.Dispose();
            if (connected)
            {
                try
                {
                    await userGrain.DisconnectedAsync(_silo);
                }
                catch (Exception e)
                {
                    logger.PresenceFailed("disconnected", user.UserId, e);
                }
            }
        }
    }

    private async Task OpenSessionAsync(GatewayConnection connection, AuthenticatedUser user, IUserGrain userGrain, ResumeRequest? resume)
    {
        try
        {
            if (resume is not null)
            {
                if (registry.TryResume(resume, connection, user))
                {
                    return;
                }

                connection.EnqueueUnsequenced(GatewayBodies.InvalidSession);
            }

            var profile = await userGrain.GetAsync();
            if (profile is null)
            {
                connection.RequestClose(GatewayCloseCodes.TokenRevoked, "user deleted");
                return;
            }

            registry.CreateSession(connection, user, profile);
        }
        catch (Exception e)
        {
            logger.SessionOpenFailed(user.UserId, e);
            connection.RequestClose(GatewayCloseCodes.InternalError, "internal error");
        }
    }

    private static ResumeRequest? ReadResume(IQueryCollection query)
    {
        var sessionId = query["session_id"].Count > 0 ? query["session_id"][0] : null;
        if (string.IsNullOrEmpty(sessionId))
        {
            return null;
        }

        var raw = query["last_seq"].Count > 0 ? query["last_seq"][0] : null;
        long? lastSeq = long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        return new ResumeRequest(sessionId, lastSeq);
    }

    /// <summary>429 with the contract's rate-limit body. Nothing says when another socket of this token will close, so
    /// the client is told to wait a second.</summary>
    private async Task RefuseTooManySocketsAsync(HttpContext context)
    {
        logger.HandshakeRefused(StatusCodes.Status429TooManyRequests, $"more than {_options.MaxSocketsPerToken} sockets for one token");
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = "1";
        await context.Response.WriteAsJsonAsync(new RateLimitedDto("rate limited", 1, false), CirculJson.Options, context.RequestAborted);
    }

    private async Task RefuseAsync(HttpContext context, int status, string error)
    {
        logger.HandshakeRefused(status, error);
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new ErrorDto(error), CirculJson.Options, context.RequestAborted);
    }
}
