namespace Circul.Silo.Tests.Webhooks;

/// <summary>The SSRF guard ON (the default): a receiver on loopback must never be reached, whatever form of its address
/// the URL uses (a host name resolving to it, a literal, an IPv4-mapped IPv6 literal).</summary>
public sealed class WebhookSsrfTests(GuardedWebhookSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<GuardedWebhookSiloFixture>
{
    [Theory]
    [InlineData("http://localhost:{0}/hook")]
    [InlineData("http://127.0.0.1:{0}/hook")]
    [InlineData("http://[::ffff:127.0.0.1]:{0}/hook")]
    [InlineData("http://[::1]:{0}/hook")]
    [InlineData("http://0.0.0.0:{0}/hook")]
    public async Task DeliveryToALoopbackAddress_IsRefusedAtConnectTime_AndNotRetried(string template)
    {
        await using var world = await WebhookTestWorld.CreateAsync(
            Fixture, new { trigger = "message" }, receiver => string.Format(System.Globalization.CultureInfo.InvariantCulture, template, receiver.Port));

        await world.SendAsync("hello");

        var delivery = await world.WaitForDeliveryAsync(d => d.Str("status") == "failed", $"the delivery to {template} refused");
        Assert.Equal(1, delivery.Long("attempts"));
        Assert.StartsWith("refused to connect", delivery.Str("lastError"));
        Assert.Matches("(loopback|unspecified) address", delivery.Str("lastError"));
        Assert.Equal(JsonValueKind.Null, delivery.Prop("lastStatusCode").ValueKind);
        Assert.Equal(0, world.Receiver.Count);
    }
}
