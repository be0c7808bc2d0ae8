using Microsoft.Extensions.Logging;

namespace Circul.Actors.Runtime;

internal static partial class ActorRuntimeLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Activated {GrainType}/{GrainKey}")]
    public static partial void Activated(this ILogger logger, string grainType, string grainKey);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Deactivated {GrainType}/{GrainKey}")]
    public static partial void Deactivated(this ILogger logger, string grainType, string grainKey);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Activation of {GrainType}/{GrainKey} failed")]
    public static partial void ActivationFailed(this ILogger logger, Exception exception, string grainType, string grainKey);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Deactivation of {GrainType}/{GrainKey} failed")]
    public static partial void DeactivationFailed(this ILogger logger, Exception exception, string grainType, string grainKey);

    [LoggerMessage(EventId = 5, Level = LogLevel.Critical, Message = "The runtime failed a turn of {GrainType}/{GrainKey}")]
    public static partial void TurnFailedUnexpectedly(this ILogger logger, Exception exception, string grainType, string grainKey);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Idle collection pass failed")]
    public static partial void IdleCollectionFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Reloading the state of {GrainType}/{GrainKey} after a conflict failed; the activation is dropped")]
    public static partial void ReloadAfterConflictFailed(this ILogger logger, Exception exception, string grainType, string grainKey);
}
