namespace Circul.Silo.Tests.Webhooks;

/// <summary>A silo whose webhook deliveries may reach loopback (the test receivers), with short timeouts and backoff.</summary>
public class WebhookSiloFixture : SiloFixture
{
    public static void WebhookSettings(Dictionary<string, string?> settings, bool allowPrivate)
    {
        settings["Circul:Webhooks:AllowPrivateNetworks"] = allowPrivate ? "true" : "false";
        settings["Circul:Webhooks:TimeoutMs"] = "1500";
        settings["Circul:Webhooks:RetryBaseDelayMs"] = "200";
        settings["Circul:Webhooks:PollIntervalMs"] = "100";
    }

    protected override void Configure(Dictionary<string, string?> settings) => WebhookSettings(settings, allowPrivate: true);
}
