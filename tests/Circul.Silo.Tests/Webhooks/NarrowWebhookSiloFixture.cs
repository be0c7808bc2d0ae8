namespace Circul.Silo.Tests.Webhooks;

/// <summary><see cref="WebhookSiloFixture"/> with at most two deliveries in flight, a long timeout and a 20 ms poll.</summary>
public sealed class NarrowWebhookSiloFixture : WebhookSiloFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Circul:Webhooks:MaxConcurrency"] = "2";
        settings["Circul:Webhooks:TimeoutMs"] = "20000";
        settings["Circul:Webhooks:PollIntervalMs"] = "20"; // many polls while the test looks
    }
}
