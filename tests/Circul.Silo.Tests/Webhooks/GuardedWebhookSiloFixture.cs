namespace Circul.Silo.Tests.Webhooks;

/// <summary>A silo with the SSRF guard ON (the default): deliveries to loopback must be refused.</summary>
public sealed class GuardedWebhookSiloFixture : SiloFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => WebhookSiloFixture.WebhookSettings(settings, allowPrivate: false);
}
