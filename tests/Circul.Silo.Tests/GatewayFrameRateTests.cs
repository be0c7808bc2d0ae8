namespace Circul.Silo.Tests;

/// <summary>API.md section 8: a client sending too many frames a minute is closed with 4008.</summary>
public sealed class GatewayFrameRateTests(FrameRateSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<FrameRateSiloFixture>
{
    [Fact]
    public async Task ClientSendingMoreFramesThanAllowedPerMinute_IsClosedWith4008()
    {
        var human = await NewHumanAsync();
        await using var gateway = await human.ConnectReadyAsync();

        for (var i = 0; i < FrameRateSiloFixture.MaxClientFramesPerMinute + 3 && gateway.CloseCode is null; i++)
        {
            try
            {
                await gateway.SendTextAsync("""{"type":"ping"}""");
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                // The server may close while frames are still going out.
                break;
            }
        }

        await gateway.ExpectCloseAsync(4008);
    }

    [Fact]
    public async Task ClientWithinTheFrameBudget_StaysConnected()
    {
        var human = await NewHumanAsync();
        await using var gateway = await human.ConnectReadyAsync();

        for (var i = 0; i < FrameRateSiloFixture.MaxClientFramesPerMinute - 1; i++)
        {
            await gateway.SendTextAsync("""{"type":"ping"}""");
            await gateway.NextEventAsync("pong");
        }

        Assert.Null(gateway.CloseCode);
    }

    [Fact]
    public async Task FrameBudget_IsPerConnection()
    {
        var human = await NewHumanAsync();
        await using var noisy = await human.ConnectReadyAsync();
        await using var quiet = await human.ConnectReadyAsync();
        for (var i = 0; i < FrameRateSiloFixture.MaxClientFramesPerMinute + 3 && noisy.CloseCode is null; i++)
        {
            try
            {
                await noisy.SendTextAsync("""{"type":"ping"}""");
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                break;
            }
        }

        await noisy.ExpectCloseAsync(4008);

        await quiet.SendTextAsync("""{"type":"ping"}""");
        await quiet.NextEventAsync("pong");
    }
}
