namespace Circul.Silo.Tests;

/// <summary>API.md section 8, resume: a gap older than the buffer cannot be replayed and says so.</summary>
public sealed class GatewayResumeBufferTests(ShortResumeSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<ShortResumeSiloFixture>
{
    [Fact]
    public async Task Resume_AfterMoreEventsThanTheBufferHolds_SendsInvalidSessionThenANewReady()
    {
        var world = await NewBotsInDmAsync();
        var first = await world.A.ConnectAsync();
        var ready = await first.NextFrameAsync(what: "ready");
        await using var keepOnline = await world.A.ConnectReadyAsync();
        await first.DisposeAsync();
        string last = "";
        for (var i = 0; i < ShortResumeSiloFixture.ResumeBufferEvents + 3; i++)
        {
            last = (await SendAsync(world.B, world.DmId, $"overflow {i}")).Str("id");
        }

        await keepOnline.NextEventAsync("message_new", MessageNewWithId(last));

        await using var resumed = await world.A.ConnectAsync(ready.Payload.Str("session_id"), ready.Seq);

        var invalid = await resumed.NextFrameAsync(what: "invalid_session for a gap larger than the buffer");
        Assert.Equal("invalid_session", invalid.Type);
        Assert.False(invalid.Payload.Bool("resumable"));
        var newReady = await resumed.NextFrameAsync(what: "a new ready");
        Assert.Equal("ready", newReady.Type);
        Assert.NotEqual(ready.Payload.Str("session_id"), newReady.Payload.Str("session_id"));
    }

    [Fact]
    public async Task Resume_WithinTheBuffer_StillReplays()
    {
        var world = await NewBotsInDmAsync();
        var first = await world.A.ConnectAsync();
        var ready = await first.NextFrameAsync(what: "ready");
        await using var keepOnline = await world.A.ConnectReadyAsync();
        await first.DisposeAsync();
        var sent = new List<string>();
        for (var i = 0; i < ShortResumeSiloFixture.ResumeBufferEvents - 1; i++)
        {
            sent.Add((await SendAsync(world.B, world.DmId, $"fits {i}")).Str("id"));
        }

        await keepOnline.NextEventAsync("message_new", MessageNewWithId(sent[^1]));

        await using var resumed = await world.A.ConnectAsync(ready.Payload.Str("session_id"), ready.Seq);

        foreach (var id in sent)
        {
            var frame = await resumed.NextFrameAsync(what: $"replay of {id}");
            Assert.Equal("message_new", frame.Type);
            Assert.Equal(id, frame.Payload.Prop("message").Str("id"));
        }

        Assert.Equal("resumed", (await resumed.NextFrameAsync(what: "resumed")).Type);
    }
}
