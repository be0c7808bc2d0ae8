namespace Circul.Silo.Tests;

/// <summary>API.md section 8, heartbeat: a client that never answers pings is closed with 4000.</summary>
public sealed class GatewayHeartbeatTests(HeartbeatSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<HeartbeatSiloFixture>
{
    [Fact]
    public async Task Ready_AnnouncesTheConfiguredHeartbeatInterval()
    {
        var human = await NewHumanAsync();

        await using var gateway = await human.ConnectAsync();
        var ready = await gateway.NextEventAsync("ready");

        Assert.Equal(HeartbeatSiloFixture.IntervalMs, ready.Payload.Long("heartbeat_interval_ms"));
    }

    [Fact]
    public async Task ClientThatNeverAnswersPings_IsClosedWith4000_WhileAnAnsweringClientStaysConnected()
    {
        var world = await NewBotsInDmAsync();
        await using var healthy = await world.B.ConnectReadyAsync();
        await using var silent = await RawWebSocketClient.ConnectAsync(Fixture.Silo.BaseUri, world.A.Token!);
        Assert.Equal(101, silent.Status);

        var ending = await silent.ReadUntilClosedAsync(TimeSpan.FromSeconds(10));

        Assert.True(ending.Kind == RawCloseKind.CloseFrame && ending.Code == 4000, $"expected close 4000 'heartbeat timeout', got {ending}");
        Assert.True(ending.PingCount >= 1, $"the server should have pinged before giving up: {ending}");
        Assert.Contains(ending.TextFrames, t => t.Contains("\"ready\"", StringComparison.Ordinal));
        var sent = await SendAsync(world.A, world.DmId, "still there?");
        await healthy.NextEventAsync("message_new", MessageNewWithId(sent.Str("id")));
        Assert.Null(healthy.CloseCode);
    }

    [Fact]
    public async Task ClientThatAnswersPingsOnlyWithJsonFrames_StaysConnected_UntilItGoesSilent()
    {
        var human = await NewHumanAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(Fixture.Silo.BaseUri, human.Token!);
        Assert.Equal(101, client.Status);

        // Six pings at 200 ms take well over the 300 ms timeout: only the JSON frames keep it alive.
        var early = await client.AnswerPingsWithJsonPingsAsync(6, TimeSpan.FromSeconds(10));

        Assert.True(early is null, $"a client sending frames after every ping must not be closed, got {early}");
        var ending = await client.ReadUntilClosedAsync(TimeSpan.FromSeconds(10));
        Assert.True(ending.Kind == RawCloseKind.CloseFrame && ending.Code == 4000, $"once silent it should be closed with 4000, got {ending}");
    }
}
