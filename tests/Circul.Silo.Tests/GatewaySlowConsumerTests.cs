namespace Circul.Silo.Tests;

/// <summary>
/// API.md section 8: a client that lets its queue overflow is closed with 4003, and never slows anyone else.
/// </summary>
public sealed class GatewaySlowConsumerTests(SlowConsumerSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SlowConsumerSiloFixture>
{
    private const int MaxMessages = 2000;
    private const int Parallel = 4;

    [Fact]
    public async Task ClientThatNeverReads_IsDisconnected_WhileAHealthyMemberReceivesEveryMessageInOrder()
    {
        var owner = await NewHumanAsync();
        var slow = await NewBotAsync(owner);
        var sender = await NewBotAsync(owner);
        var healthy = await NewBotAsync(owner);
        var groupId = (await CreateGroupAsync(owner, slow, sender, healthy)).Str("id");
        await using var healthySocket = await healthy.ConnectReadyAsync();
        // A tiny receive window makes the kernel push back after a few KiB, so the server's queue must fill.
        await using var slowSocket = await RawWebSocketClient.ConnectAsync(Fixture.Silo.BaseUri, slow.Token!, receiveBufferSize: 4096);
        Assert.Equal(101, slowSocket.Status);
        await healthySocket.NextEventAsync("status_change", e => AboutUser(slow.Id)(e) && e.Payload.Str("status") == "online", what: "the slow bot coming online");

        var text = new string('z', 3000);
        var sent = new List<string>();
        var slowWentOffline = false;
        while (sent.Count < MaxMessages && !slowWentOffline)
        {
            var batch = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(i => SendAsync(sender, groupId, $"{sent.Count + i} {text}")));
            sent.AddRange(batch.Select(m => m.Str("id")));
            // Its presence (seen through REST) turns offline once the server has dropped its only connection.
            slowWentOffline = (await owner.GetAsync($"/api/users/{slow.Id}")).Expect(HttpStatusCode.OK).Json.Str("status") == "offline";
        }

        // The overflow happens within MaxMessages; the server then waits up to its close timeout (1 s for 4003) for the
        // close frame to go out before aborting. Fast sends can outrun that, so wait for it here without sending more.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!slowWentOffline && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            slowWentOffline = (await owner.GetAsync($"/api/users/{slow.Id}")).Expect(HttpStatusCode.OK).Json.Str("status") == "offline";
        }

        var ending = await slowSocket.ReadUntilClosedAsync(TimeSpan.FromSeconds(15));
        Assert.True(ending.Kind is RawCloseKind.EndOfStream or RawCloseKind.Reset || (ending.Kind == RawCloseKind.CloseFrame && ending.Code == 4003),
            $"after {sent.Count} messages the client that never read should see its connection end (or close 4003), got {ending}");
        var ordered = sent.Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            await healthySocket.NextEventAsync("message_new", MessageNewWithId(ordered[i]), what: $"message_new {ordered[i]} ({i + 1} of {ordered.Count})");
        }

        var received = healthySocket.ReceivedOf("message_new").Select(e => e.Payload.Prop("message").Str("id")).ToList();
        Assert.Equal(ordered, received);
        Assert.Null(healthySocket.CloseCode);
        Assert.True(slowWentOffline, $"the client that never reads should have been dropped within {sent.Count} messages and the close timeout");
    }
}
