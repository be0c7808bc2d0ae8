namespace Circul.Silo.Tests.Hardening;

/// <summary>Issue 10, item 1, with the defaults: 16 sockets per token, the 17th refused with 429.</summary>
public sealed class GatewayDefaultSocketCapTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task DefaultCap_Is16SocketsPerToken()
    {
        var human = await NewHumanAsync();
        var open = new List<GatewayClient>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                open.Add(await human.ConnectReadyAsync());
            }

            var refused = await Assert.ThrowsAsync<GatewayConnectException>(() => human.ConnectAsync());
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        }
        finally
        {
            foreach (var gateway in open)
            {
                await gateway.DisposeAsync();
            }
        }
    }
}
