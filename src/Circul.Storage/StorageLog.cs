using Microsoft.Extensions.Logging;

namespace Circul.Storage;

/// <summary>The storage layer's log messages. Connection strings never appear in them.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Storage ({Provider}): applied {Count} migration(s), schema is at version {Version}")]
    public static partial void MigrationsApplied(this ILogger logger, string provider, int count, int version);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Storage ({Provider}): schema is up to date at version {Version}")]
    public static partial void SchemaUpToDate(this ILogger logger, string provider, int version);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Storage ({Provider}): the database is at schema version {DatabaseVersion}, newer than this build knows ({KnownVersion})")]
    public static partial void SchemaNewerThanBuild(this ILogger logger, string provider, int databaseVersion, int knownVersion);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Storage ({Provider}) not available at {Target} (set by {ConfigurationKey}): {Reason}. Attempt {Attempt}; next in {DelaySeconds} s")]
    public static partial void StorageUnavailable(this ILogger logger, string provider, string target, string configurationKey, string reason, int attempt, double delaySeconds);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Storage ({Provider}) at {Target} is ready after {Attempts} attempts")]
    public static partial void StorageReadyAfterRetries(this ILogger logger, string provider, string target, int attempts);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Durable writer: a batch of {Count} writes failed; retrying them one by one")]
    public static partial void BatchFailed(this ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Durable writer: {OpType} failed")]
    public static partial void WriteFailed(this ILogger logger, Exception exception, string opType);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "Durable writer: storage is failing ({ExceptionType}: {Reason}); writes answer 503 until it is back (logged once per outage)")]
    public static partial void StorageWritesFailing(this ILogger logger, string exceptionType, string reason);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Information, Message = "Durable writer: storage is back after {Failures} failed writes")]
    public static partial void StorageWritesRecovered(this ILogger logger, int failures);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Error, Message = "Durable writer: the afterCommit callback of {OpType} threw")]
    public static partial void AfterCommitFailed(this ILogger logger, Exception exception, string opType);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Critical, Message = "Durable writer: the writer loop stopped unexpectedly")]
    public static partial void WriterLoopCrashed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Storage ({Provider}): ping failed")]
    public static partial void PingFailed(this ILogger logger, Exception exception, string provider);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Information, Message = "Silo registered as number {SiloNumber} ({Address})")]
    public static partial void SiloRegistered(this ILogger logger, int siloNumber, string address);
}
