using System.Globalization;
using Circul.Grains.Accounts;
using Circul.Silo.Gateway;
using Microsoft.Extensions.DependencyInjection;

namespace Circul.Silo.Tests.Hardening;

/// <summary>
/// Issue 10, item 1: a token holds at most <c>Circul:Gateway:MaxSocketsPerToken</c> sockets at once (per silo); one
/// more upgrade is refused with 429, <c>Retry-After</c> and the contract's rate-limit body, and a closed socket gives
/// its place back.
/// </summary>
public sealed class GatewaySocketCapTests(SocketCapSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SocketCapSiloFixture>
{
    private const int Cap = SocketCapSiloFixture.MaxSocketsPerToken;

    [Fact]
    public async Task OneSocketOverTheCap_IsRefusedWith429RetryAfterAndTheRateLimitBody()
    {
        var human = await NewHumanAsync();
        var open = await OpenAsync(human, Cap);
        try
        {
            await using var refused = await RawWebSocketClient.ConnectAsync(Fixture.Silo.BaseUri, human.Token!);

            Assert.Equal(429, refused.Status);
            var retryAfter = HeaderValue(refused.Headers, "Retry-After");
            Assert.True(retryAfter is not null && int.Parse(retryAfter, CultureInfo.InvariantCulture) >= 1,
                $"expected Retry-After in seconds on the refused upgrade, got headers:\n{refused.Headers}");
            using var body = JsonDocument.Parse(refused.Body);
            Assert.Equal("rate limited", body.RootElement.Str("error"));
            Assert.True(body.RootElement.Double("retry_after") > 0, refused.Body);
            Assert.False(body.RootElement.Bool("global"));
            var ws = await Assert.ThrowsAsync<GatewayConnectException>(() => human.ConnectAsync());
            Assert.Equal(HttpStatusCode.TooManyRequests, ws.Status);

            // The sockets already open are untouched.
            foreach (var gateway in open)
            {
                await gateway.SendTextAsync("""{"type":"ping"}""");
                await gateway.NextEventAsync("pong");
            }
        }
        finally
        {
            await CloseAllAsync(open);
        }
    }

    [Fact]
    public async Task ConcurrentUpgrades_NeverPassTheCap()
    {
        var human = await NewHumanAsync();
        var attempts = await Task.WhenAll(Enumerable.Range(0, Cap * 4).Select(async _ =>
        {
            try
            {
                return (Client: await human.ConnectAsync(), Status: HttpStatusCode.SwitchingProtocols);
            }
            catch (GatewayConnectException e)
            {
                return (Client: (GatewayClient?)null, e.Status);
            }
        }));
        var open = attempts.Where(a => a.Client is not null).Select(a => a.Client!).ToList();
        try
        {
            Assert.Equal(Cap, open.Count);
            Assert.All(attempts.Where(a => a.Client is null), a => Assert.Equal(HttpStatusCode.TooManyRequests, a.Status));
            Assert.Equal(Cap, Registry.SocketCount(Secrets.HashToken(human.Token!)));
        }
        finally
        {
            await CloseAllAsync(open);
        }
    }

    [Fact]
    public async Task ClosingASocket_GivesItsPlaceBack_AndRefusalsLeakNoPlaces()
    {
        var human = await NewHumanAsync();
        var hash = Secrets.HashToken(human.Token!);
        var open = await OpenAsync(human, Cap);
        for (var i = 0; i < 10; i++)
        {
            await using var refused = await RawWebSocketClient.ConnectAsync(Fixture.Silo.BaseUri, human.Token!);
            Assert.Equal(429, refused.Status);
        }

        await open[0].CloseAsync();
        await open[0].DisposeAsync();
        open.RemoveAt(0);
        await WaitForSocketCountAsync(hash, Cap - 1);
        open.Add(await human.ConnectReadyAsync());

        await CloseAllAsync(open);
        await WaitForSocketCountAsync(hash, 0);
        var again = await OpenAsync(human, Cap);
        await CloseAllAsync(again);
    }

    [Fact]
    public async Task TheCapIsPerToken_NotPerUser()
    {
        var human = await NewHumanAsync();
        var bot = await NewBotAsync(human);
        var open = await OpenAsync(human, Cap);
        try
        {
            var login = await Fixture.Anonymous().PostAsync("/api/auth/login", new { username = human.Name, password = SiloFixture.Password });
            var secondSession = Fixture.WithToken(login.Expect(HttpStatusCode.OK).Json.Str("token"), "Bearer");
            secondSession.SetUser(human.User);

            open.Add(await secondSession.ConnectReadyAsync());
            open.Add(await bot.ConnectReadyAsync());
        }
        finally
        {
            await CloseAllAsync(open);
        }
    }

    private GatewayRegistry Registry => Fixture.Silo.Services.GetRequiredService<GatewayRegistry>();

    private static async Task<List<GatewayClient>> OpenAsync(BotClient client, int count)
    {
        var open = new List<GatewayClient>();
        for (var i = 0; i < count; i++)
        {
            open.Add(await client.ConnectReadyAsync());
        }

        return open;
    }

    private static async Task CloseAllAsync(IEnumerable<GatewayClient> open)
    {
        foreach (var gateway in open)
        {
            await gateway.DisposeAsync();
        }
    }

    /// <summary>The server releases a place once its side of the socket has ended, a moment after the client's close.</summary>
    private async Task WaitForSocketCountAsync(string tokenHash, int expected)
    {
        var deadline = DateTime.UtcNow + GatewayClient.DefaultTimeout;
        int count;
        while ((count = Registry.SocketCount(tokenHash)) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {expected} sockets held by the token, still {count} after {GatewayClient.DefaultTimeout}");
            await Task.Delay(20);
        }
    }

    private static string? HeaderValue(string headers, string name) =>
        headers.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim()).FirstOrDefault();
}
