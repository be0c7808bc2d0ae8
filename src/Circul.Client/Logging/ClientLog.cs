using Microsoft.Extensions.Logging;

namespace Circul.Client;

/// <summary>The SDK's log messages (source-generated).</summary>
internal static partial class ClientLog
{
    [LoggerMessage(1, LogLevel.Information, "Rate limited on {Method} {Path}: retrying in {RetryAfter}")]
    public static partial void RateLimitedRetrying(this ILogger logger, string method, string path, TimeSpan retryAfter);

    [LoggerMessage(2, LogLevel.Warning, "{Method} {Path} failed ({Reason}): retry {Attempt} in {Delay}")]
    public static partial void TransientRetry(this ILogger logger, string method, string path, string reason, int attempt, TimeSpan delay);

    [LoggerMessage(10, LogLevel.Warning, "Gateway closed with 4001 ({Reason}): the token was revoked; not reconnecting")]
    public static partial void TokenRevoked(this ILogger logger, string reason);

    [LoggerMessage(11, LogLevel.Information, "Gateway disconnected ({Code} {Reason}); reconnecting in {Delay} (resume: {Resume})")]
    public static partial void Reconnecting(this ILogger logger, string code, string reason, TimeSpan delay, bool resume);

    [LoggerMessage(12, LogLevel.Information, "Session {SessionId} could not be resumed; a new one starts")]
    public static partial void SessionInvalid(this ILogger logger, string? sessionId);

    [LoggerMessage(13, LogLevel.Warning, "No pong within {Interval}: dropping the connection to resume")]
    public static partial void HeartbeatMissed(this ILogger logger, TimeSpan interval);

    [LoggerMessage(14, LogLevel.Warning, "Ignoring a gateway frame that is not JSON")]
    public static partial void FrameNotJson(this ILogger logger, Exception exception);

    [LoggerMessage(20, LogLevel.Information, "Ready as {Name} ({Id}), session {SessionId}")]
    public static partial void Ready(this ILogger logger, string name, string id, string sessionId);

    [LoggerMessage(21, LogLevel.Information, "Session {SessionId} resumed ({Replayed} events replayed)")]
    public static partial void Resumed(this ILogger logger, string? sessionId, int replayed);

    [LoggerMessage(22, LogLevel.Error, "Loading panels and channels failed; the cache keeps its previous state")]
    public static partial void CacheLoadFailed(this ILogger logger, Exception exception);

    [LoggerMessage(23, LogLevel.Warning, "Loading panel {PanelId} after joining it failed")]
    public static partial void PanelLoadFailed(this ILogger logger, Exception exception, string panelId);

    [LoggerMessage(24, LogLevel.Warning, "Catch-up could not list conversations")]
    public static partial void CatchUpListFailed(this ILogger logger, Exception exception);

    [LoggerMessage(25, LogLevel.Warning, "Catch-up of room {RoomId} failed")]
    public static partial void CatchUpRoomFailed(this ILogger logger, Exception exception, string roomId);

    [LoggerMessage(26, LogLevel.Information, "Catch-up after the session restart: {Count} missed messages in {Rooms} rooms")]
    public static partial void CaughtUp(this ILogger logger, int count, int rooms);

    [LoggerMessage(27, LogLevel.Error, "A handler of {EventType} failed")]
    public static partial void HandlerFailed(this ILogger logger, Exception exception, string eventType);

    [LoggerMessage(28, LogLevel.Error, "A {EventType} event could not be read; it is skipped")]
    public static partial void EventFailed(this ILogger logger, Exception exception, string eventType);
}
