using System.Net.WebSockets;
using System.Text;

namespace Circul.Silo.Tests;

/// <summary>API.md section 8: handshake, ready, seq, ping/pong, resume and the client-side close codes.</summary>
public sealed class GatewayProtocolTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Theory]
    [InlineData("cb_not-a-real-token-00000000000000000000000000000")]
    [InlineData("cu_not-a-real-token-00000000000000000000000000000")]
    [InlineData("")]
    public async Task Connect_WithABadToken_IsRefusedWith401BeforeTheUpgrade(string token)
    {
        var refused = await Assert.ThrowsAsync<GatewayConnectException>(
            () => GatewayClient.ConnectAsync(Fixture.Silo.BaseUri, token, null, null, "bad token"));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
    }

    [Fact]
    public async Task Connect_WithABadToken_AnswersTheContractsJsonErrorBody()
    {
        await using var raw = await RawWebSocketClient.ConnectAsync(Fixture.Silo.BaseUri, "cb_bogus");

        Assert.Equal(401, raw.Status);
        Assert.Contains("json", raw.Headers, StringComparison.OrdinalIgnoreCase);
        using var body = JsonDocument.Parse(raw.Body);
        Assert.False(string.IsNullOrEmpty(body.RootElement.Str("error")));
    }

    [Fact]
    public async Task Connect_WithARevokedBotToken_IsRefusedWith401()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        (await owner.PostAsync($"/api/apps/{bot.Id}/token/reset")).Expect(HttpStatusCode.OK);

        var refused = await Assert.ThrowsAsync<GatewayConnectException>(() => bot.ConnectAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
    }

    [Fact]
    public async Task FirstFrame_IsReadyWithTheUserASessionIdAndTheHeartbeatInterval()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        await using var gateway = await bot.ConnectAsync();
        var ready = await gateway.NextFrameAsync(what: "the ready frame");

        Assert.Equal("ready", ready.Type);
        Assert.Equal(1, ready.Seq);
        var user = ready.Payload.Prop("user");
        ContractShapes.AssertUser(user);
        Assert.Equal(bot.Id, user.Str("id"));
        Assert.Equal(owner.Id, user.Str("owner_id"));
        Assert.Equal("online", user.Str("status"));
        Assert.False(string.IsNullOrWhiteSpace(ready.Payload.Str("session_id")));
        Assert.Equal(30000, ready.Payload.Long("heartbeat_interval_ms"));
    }

    [Fact]
    public async Task HumanToken_AlsoConnects_AndGetsItsOwnReady()
    {
        var human = await NewHumanAsync();

        await using var gateway = await human.ConnectAsync();
        var ready = await gateway.NextFrameAsync(what: "the ready frame");

        Assert.Equal("ready", ready.Type);
        Assert.Equal(human.Id, ready.Payload.Prop("user").Str("id"));
    }

    [Fact]
    public async Task TwoConnections_GetDifferentSessionIds()
    {
        var human = await NewHumanAsync();

        await using var first = await human.ConnectAsync();
        await using var second = await human.ConnectAsync();

        var a = (await first.NextEventAsync("ready")).Payload.Str("session_id");
        var b = (await second.NextEventAsync("ready")).Payload.Str("session_id");
        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task Seq_CountsOneTwoThreeWithoutGapsPerSession()
    {
        var world = await NewBotsInDmAsync();
        await using var gateway = await world.A.ConnectReadyAsync();
        var ids = new List<string>();

        for (var i = 0; i < 3; i++)
        {
            ids.Add((await SendAsync(world.B, world.DmId, $"seq {i}")).Str("id"));
        }

        foreach (var id in ids)
        {
            await gateway.NextEventAsync("message_new", MessageNewWithId(id));
        }

        var seqs = gateway.Received.Where(e => e.Type != "pong").Select(e => e.Seq).ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long?)i), seqs);
        await using var second = await world.A.ConnectAsync();
        Assert.Equal(1, (await second.NextFrameAsync()).Seq);
    }

    [Fact]
    public async Task PingFrame_IsAnsweredWithPong()
    {
        var human = await NewHumanAsync();
        await using var gateway = await human.ConnectReadyAsync();

        await gateway.SendTextAsync("""{"type":"ping"}""");

        await gateway.NextEventAsync("pong");
        Assert.Equal(WebSocketState.Open, gateway.State);
    }

    [Fact]
    public async Task ClientFrameOfAnUnknownType_IsIgnoredAndTheConnectionStaysUsable()
    {
        var human = await NewHumanAsync();
        await using var gateway = await human.ConnectReadyAsync();

        await gateway.SendTextAsync("""{"type":"identify","payload":{"x":1}}""");
        await gateway.SendTextAsync("""{"type":"ping"}""");

        await gateway.NextEventAsync("pong");
        Assert.Null(gateway.CloseCode);
    }

    [Fact]
    public async Task WellFormedJsonThatIsNotAPing_IsIgnored_NotClosedWith4002()
    {
        var human = await NewHumanAsync();
        await using var gateway = await human.ConnectReadyAsync();

        // API.md: client frames other than ping/pong are ignored; 4002 is only for frames the server cannot parse.
        await gateway.SendTextAsync("{}");
        await gateway.SendTextAsync("""{"type":5}""");
        await gateway.SendTextAsync("[1,2,3]");
        await gateway.SendTextAsync("\"just a string\"");
        await gateway.SendTextAsync("""{"type":"ping"}""");

        await gateway.NextEventAsync("pong");
        Assert.Null(gateway.CloseCode);
    }

    [Fact]
    public async Task GarbageFrame_ClosesTheConnectionWith4002()
    {
        var human = await NewHumanAsync();
        await using var gateway = await human.ConnectReadyAsync();

        await gateway.SendTextAsync("this is {not json");

        await gateway.ExpectCloseAsync(4002);
    }

    [Fact]
    public async Task ClientFrameOver4KiB_ClosesTheConnectionWith1009()
    {
        var human = await NewHumanAsync();
        await using var gateway = await human.ConnectReadyAsync();
        var big = "{\"type\":\"ping\",\"pad\":\"" + new string('p', 5000) + "\"}";

        await gateway.SendTextAsync(big);

        await gateway.ExpectCloseAsync((int)WebSocketCloseStatus.MessageTooBig);
    }

    [Fact]
    public async Task ClientFrameJustUnder4KiB_IsAccepted()
    {
        var human = await NewHumanAsync();
        await using var gateway = await human.ConnectReadyAsync();
        var prefix = "{\"type\":\"ping\",\"pad\":\"";
        var frame = prefix + new string('p', 4000 - prefix.Length - 2) + "\"}";
        Assert.Equal(4000, Encoding.UTF8.GetByteCount(frame));

        await gateway.SendTextAsync(frame);

        await gateway.NextEventAsync("pong");
    }

    [Fact]
    public async Task Resume_WithSessionIdAndLastSeq_ReplaysExactlyTheMissedEventsInOrderThenResumed()
    {
        var world = await NewBotsInDmAsync();
        var first = await world.A.ConnectAsync();
        var ready = await first.NextFrameAsync(what: "ready");
        var sessionId = ready.Payload.Str("session_id");
        // A second socket keeps A online, so no presence event lands in the session while it is away.
        await using var keepOnline = await world.A.ConnectReadyAsync();
        var m1 = (await SendAsync(world.B, world.DmId, "m1")).Str("id");
        var m2 = (await SendAsync(world.B, world.DmId, "m2")).Str("id");
        await first.NextEventAsync("message_new", MessageNewWithId(m1));
        var seenM2 = await first.NextEventAsync("message_new", MessageNewWithId(m2));
        var lastSeq = seenM2.Seq!.Value;
        await first.DisposeAsync();
        var missed = new List<string>();
        for (var i = 3; i <= 5; i++)
        {
            missed.Add((await SendAsync(world.B, world.DmId, $"m{i}")).Str("id"));
        }

        await keepOnline.NextEventAsync("message_new", MessageNewWithId(missed[^1]));

        await using var resumed = await world.A.ConnectAsync(sessionId, lastSeq - 1);

        var expected = new[] { m2 }.Concat(missed).ToList();
        for (var i = 0; i < expected.Count; i++)
        {
            var frame = await resumed.NextFrameAsync(what: $"replayed message_new {i + 1} of {expected.Count}");
            Assert.Equal("message_new", frame.Type);
            Assert.Equal(expected[i], frame.Payload.Prop("message").Str("id"));
            Assert.Equal(lastSeq + i, frame.Seq);
        }

        var done = await resumed.NextFrameAsync(what: "resumed after the replay");
        Assert.Equal("resumed", done.Type);
        var m6 = (await SendAsync(world.B, world.DmId, "m6")).Str("id");
        var live = await resumed.NextEventAsync("message_new", MessageNewWithId(m6));
        Assert.True(live.Seq > lastSeq + 3, $"seq must keep counting in the resumed session, got {live.Seq}");
        Assert.Empty(resumed.ReceivedOf("ready"));
    }

    [Fact]
    public async Task Resume_WithNothingMissed_SendsOnlyResumed()
    {
        var human = await NewHumanAsync();
        var first = await human.ConnectAsync();
        var ready = await first.NextFrameAsync(what: "ready");
        await using var keepOnline = await human.ConnectReadyAsync();
        await first.DisposeAsync();

        await using var resumed = await human.ConnectAsync(ready.Payload.Str("session_id"), ready.Seq);

        var frame = await resumed.NextFrameAsync(what: "resumed");
        Assert.Equal("resumed", frame.Type);
    }

    [Fact]
    public async Task Resume_WithAnUnknownSession_SendsInvalidSessionThenANewReady()
    {
        var human = await NewHumanAsync();

        await using var gateway = await human.ConnectAsync("no-such-session", 3);

        var invalid = await gateway.NextFrameAsync(what: "invalid_session");
        Assert.Equal("invalid_session", invalid.Type);
        Assert.False(invalid.Payload.Bool("resumable"));
        var ready = await gateway.NextFrameAsync(what: "ready after invalid_session");
        Assert.Equal("ready", ready.Type);
        Assert.NotEqual("no-such-session", ready.Payload.Str("session_id"));
        Assert.Equal(human.Id, ready.Payload.Prop("user").Str("id"));
    }

    [Fact]
    public async Task Resume_OfAnotherUsersSession_IsRefusedAsInvalidSession()
    {
        var world = await NewBotsInDmAsync();
        var victim = await world.A.ConnectAsync();
        var ready = await victim.NextFrameAsync(what: "ready");
        await victim.DisposeAsync();
        await SendAsync(world.B, world.DmId, "for A's eyes only");

        await using var thief = await world.B.ConnectAsync(ready.Payload.Str("session_id"), 0);

        var first = await thief.NextFrameAsync(what: "invalid_session");
        Assert.Equal("invalid_session", first.Type);
        var newReady = await thief.NextFrameAsync(what: "ready");
        Assert.Equal(world.B.Id, newReady.Payload.Prop("user").Str("id"));
    }
}
