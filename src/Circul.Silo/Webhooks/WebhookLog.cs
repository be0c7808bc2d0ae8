namespace Circul.Silo.Webhooks;

internal static partial class WebhookLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Warning, Message = "Webhook delivery loop failed; retrying at the next poll")]
    public static partial void LoopFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Debug, Message = "Webhook delivery {DeliveryId} attempt {Attempt}: {Status} ({Detail})")]
    public static partial void Attempted(this ILogger logger, string deliveryId, int attempt, string status, string detail);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} failed unexpectedly")]
    public static partial void AttemptCrashed(this ILogger logger, Exception exception, string deliveryId);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId}: the reply could not be posted ({Error})")]
    public static partial void ReplyFailed(this ILogger logger, string deliveryId, string error);
}
