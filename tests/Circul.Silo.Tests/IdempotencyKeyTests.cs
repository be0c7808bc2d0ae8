using Orleans;
using Orleans.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Circul.Silo.Tests;

/// <summary>
/// An Idempotency-Key belongs to one request: a true retry (same sender, room and body) answers 201 with the first
/// message; the key reused for another room or body answers 409 and writes nothing. The silo collects idle grains
/// after one second, so a test can also replay against a fresh room activation (only storage remembers the key).
/// </summary>
public sealed class IdempotencyKeyTests(ShortIdleSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<ShortIdleSiloFixture>
{
    [Fact]
    public async Task SendMessage_SameKeyWithADifferentBody_Returns409AndDoesNotStoreTheSecondText()
    {
        var world = await NewBotsInDmAsync();
        var headers = KeyHeader();
        var path = $"/api/conversations/{world.DmId}/messages";

        var first = (await world.A.PostAsync(path, new { text = "first text" }, headers)).Expect(HttpStatusCode.Created).Json;
        var reused = await world.A.PostAsync(path, new { text = "second text" }, headers);

        Assert.Contains("different request", reused.ExpectError(HttpStatusCode.Conflict), StringComparison.Ordinal);
        var history = await ListAsync(world.B, world.DmId);
        Assert.Equal(new[] { first.Str("id") }, history.Select(m => m.Str("id")));
        Assert.DoesNotContain(history, m => m.Str("text") == "second text");
    }

    [Theory]
    [InlineData("""{"text":"same","bold":true}""")]
    [InlineData("""{"text":"same","italic":true}""")]
    [InlineData("""{"text":"same","mentions":["bot-someone-else"]}""")]
    public async Task SendMessage_SameKeyAndTextButAnotherFlagOrMention_Returns409(string secondBody)
    {
        var world = await NewBotsInDmAsync();
        var headers = KeyHeader();
        var path = $"/api/conversations/{world.DmId}/messages";
        (await world.A.PostAsync(path, new { text = "same" }, headers)).Expect(HttpStatusCode.Created);

        var reused = await world.A.SendRawAsync(HttpMethod.Post, path, secondBody, headers: headers);

        reused.ExpectError(HttpStatusCode.Conflict);
        Assert.Single(await ListAsync(world.B, world.DmId));
    }

    [Fact]
    public async Task SendMessage_SameKeyInADifferentRoom_Returns409AndWritesNothingThere()
    {
        var world = await NewBotsInDmAsync();
        var headers = KeyHeader();
        (await world.A.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = "hello" }, headers)).Expect(HttpStatusCode.Created);
        var groupBefore = await ListIdsAsync(world.B, world.GroupId);

        var reused = await world.A.PostAsync($"/api/conversations/{world.GroupId}/messages", new { text = "hello" }, headers);

        Assert.Contains("different request", reused.ExpectError(HttpStatusCode.Conflict), StringComparison.Ordinal);
        Assert.Equal(groupBefore, await ListIdsAsync(world.B, world.GroupId));
    }

    [Fact]
    public async Task SendMessage_TrueRetryWithEveryField_Returns201WithTheFirstMessage_AndNoSecondMessageOrEvent()
    {
        var world = await NewBotsInDmAsync();
        var path = $"/api/conversations/{world.DmId}/messages";
        var target = await SendAsync(world.B, world.DmId, "reply to me");
        await using var socket = await world.B.ConnectReadyAsync();
        var headers = KeyHeader();
        var body = new { text = $"hi <@{world.B.Id}>", bold = true, italic = true, mentions = new[] { world.B.Id }, reply_to_id = target.Str("id") };

        var first = (await world.A.PostAsync(path, body, headers)).Expect(HttpStatusCode.Created).Json;
        await socket.NextEventAsync("message_new", MessageNewWithId(first.Str("id")), what: "the first send's message_new");
        await socket.NextEventAsync("mention", MessageNewWithId(first.Str("id")), what: "the first send's mention");
        var retry = (await world.A.PostAsync(path, body, headers)).Expect(HttpStatusCode.Created).Json;
        var marker = await SendAsync(world.A, world.DmId, "marker");

        Assert.Equal(first.Str("id"), retry.Str("id"));
        Assert.Equal(new[] { marker.Str("id"), first.Str("id"), target.Str("id") }, await ListIdsAsync(world.B, world.DmId));
        await socket.AssertNoneBeforeAsync(
            e => e.Type is "message_new" or "mention", "message_new", MessageNewWithId(marker.Str("id")), "second message_new or mention for the retry");
    }

    [Fact]
    public async Task SendMessage_ReplayedAfterTheRoomGrainWasCollected_StillTellsARetryFromAReuse()
    {
        var world = await NewBotsInDmAsync();
        var headers = KeyHeader();
        var path = $"/api/conversations/{world.DmId}/messages";
        var first = (await world.A.PostAsync(path, new { text = "before collection" }, headers)).Expect(HttpStatusCode.Created).Json;

        // Let the conversation grain go idle and be collected: its in-memory key cache is gone, storage has the key.
        await Task.Delay(ShortIdleSiloFixture.IdleTimeout + TimeSpan.FromMilliseconds(500));
        await Fixture.Silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(ShortIdleSiloFixture.IdleTimeout);

        var reused = await world.A.PostAsync(path, new { text = "after collection" }, headers);
        var elsewhere = await world.A.PostAsync($"/api/conversations/{world.GroupId}/messages", new { text = "before collection" }, headers);
        var retry = await world.A.PostAsync(path, new { text = "before collection" }, headers);

        reused.ExpectError(HttpStatusCode.Conflict);
        elsewhere.ExpectError(HttpStatusCode.Conflict);
        Assert.Equal(first.Str("id"), retry.Expect(HttpStatusCode.Created).Json.Str("id"));
        Assert.Equal(new[] { first.Str("id") }, await ListIdsAsync(world.B, world.DmId));
    }

    private static Dictionary<string, string> KeyHeader() => new() { ["Idempotency-Key"] = Guid.NewGuid().ToString() };
}
