namespace Circul.Grains.Webhooks;

/// <summary>A webhook bot's settings as the consumer API reads and writes them. <see cref="Name"/> and
/// <see cref="WebhookUrl"/> are null only in a create request that lacks them (a validation error).</summary>
public sealed record WebhookBotConfig(
    string? Name,
    string Description,
    string Trigger,
    string Visibility,
    bool AllRooms,
    int HistoryLimit,
    string? WebhookUrl,
    string? Metadata,
    bool Enabled)
{
    /// <summary>The defaults of a create request (API section 11).</summary>
    public static WebhookBotConfig Defaults { get; } =
        new(null, "", WebhookTriggers.Mention, WebhookTriggers.Public, false, 10, null, null, true);
}
