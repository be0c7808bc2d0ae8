using Circul.Silo.Webhooks;

namespace Circul.Silo.Tests.Webhooks;

/// <summary>The guard's decision on each address class (pure).</summary>
public sealed class WebhookAddressGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.10.1", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("100.64.0.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("0.1.2.3", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("255.255.255.255", "reserved")]
    [InlineData("240.0.0.1", "reserved")]
    [InlineData("::1", "loopback")]
    [InlineData("::", "unspecified")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::127.0.0.1", "loopback")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("2002:7f00:1::", "loopback")]
    [InlineData("2002:c0a8:101::1", "private")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("fc00::1", "private")]
    [InlineData("fd12:3456::1", "private")]
    [InlineData("ff02::1", "multicast")]
    public void NonPublicAddresses_AreRefused_WithTheirClass(string address, string reason)
    {
        Assert.Equal(reason, WebhookAddressGuard.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("64:ff9b::808:808")]
    public void PublicAddresses_AreAllowed(string address)
    {
        Assert.Null(WebhookAddressGuard.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("http://localhost:{0}/hook")]
    [InlineData("http://127.0.0.1:{0}/hook")]
    [InlineData("http://[::ffff:127.0.0.1]:{0}/hook")]
    public async Task ConnectCallback_RefusesEveryLoopbackForm_BeforeConnecting(string template)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, receiver.Port);
        using var guarded = new HttpClient(new SocketsHttpHandler { ConnectCallback = new WebhookAddressGuard(allowPrivateNetworks: false).ConnectAsync });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => guarded.PostAsync(url, new StringContent("{}")));

        var refused = Assert.IsType<WebhookAddressRefusedException>(error.InnerException);
        Assert.Equal("loopback", refused.Reason);
        Assert.Equal(0, receiver.Count);
    }

    [Fact]
    public async Task ConnectCallback_WithPrivateNetworksAllowed_Connects()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var open = new HttpClient(new SocketsHttpHandler { ConnectCallback = new WebhookAddressGuard(allowPrivateNetworks: true).ConnectAsync });

        using var response = await open.PostAsync($"http://localhost:{receiver.Port}/hook", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, receiver.Count);
    }
}
