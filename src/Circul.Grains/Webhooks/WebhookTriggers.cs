namespace Circul.Grains.Webhooks;

/// <summary>The values of a webhook bot's <c>trigger</c>, <c>messageVisibility</c> and a delivery's room kind.</summary>
public static class WebhookTriggers
{
    public const string Message = "message";
    public const string Mention = "mention";

    public const string Public = "public";
    public const string Private = "private";

    public const string DeliveryIdPrefix = "dlv-";
}
