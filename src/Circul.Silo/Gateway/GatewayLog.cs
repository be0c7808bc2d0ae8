namespace Circul.Silo.Gateway;

internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "Gateway connection opened for {UserId}")]
    public static partial void ConnectionOpened(this ILogger logger, string userId);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Gateway connection of {UserId} ended (close {CloseCode} '{Reason}', graceful: {Graceful})")]
    public static partial void ConnectionClosed(this ILogger logger, string userId, int closeCode, string reason, bool graceful);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Gateway connection of {UserId} closed as too slow ({QueuedEvents} events, {QueuedBytes} bytes queued)")]
    public static partial void SlowClient(this ILogger logger, string userId, int queuedEvents, long queuedBytes);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "Gateway connection of {UserId} closed: heartbeat timeout")]
    public static partial void HeartbeatTimedOut(this ILogger logger, string userId);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Debug, Message = "Gateway connection of {UserId}: read failed")]
    public static partial void ReadFailed(this ILogger logger, string userId, Exception exception);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Debug, Message = "Gateway connection of {UserId}: write failed")]
    public static partial void WriteFailed(this ILogger logger, string userId, Exception exception);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "Gateway: presence update ({Operation}) for {UserId} failed")]
    public static partial void PresenceFailed(this ILogger logger, string operation, string userId, Exception exception);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Debug, Message = "Gateway session {SessionId} of {UserId} resumed, {Replayed} events replayed")]
    public static partial void SessionResumed(this ILogger logger, string sessionId, string userId, int replayed);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Debug, Message = "Gateway session {SessionId} cannot be resumed by {UserId} from seq {LastSeq}")]
    public static partial void ResumeRejected(this ILogger logger, string sessionId, string userId, long? lastSeq);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Error, Message = "Gateway: opening a session for {UserId} failed")]
    public static partial void SessionOpenFailed(this ILogger logger, string userId, Exception exception);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Error, Message = "Gateway: the recipient filter of a '{EventType}' event failed")]
    public static partial void FilterFailed(this ILogger logger, string eventType, Exception exception);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Error, Message = "Gateway maintenance pass failed")]
    public static partial void MaintenanceFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Debug, Message = "Gateway handshake refused with {Status}: {Error}")]
    public static partial void HandshakeRefused(this ILogger logger, int status, string error);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Information, Message = "Gateway shutting down: closing {Connections} connections with 4004")]
    public static partial void ShuttingDown(this ILogger logger, int connections);

    [LoggerMessage(EventId = 4114, Level = LogLevel.Debug, Message = "Gateway closing {Count} connections: {CloseCode} '{Reason}'")]
    public static partial void ClosingConnections(this ILogger logger, int count, int closeCode, string reason);
}
