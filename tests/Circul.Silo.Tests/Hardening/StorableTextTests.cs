namespace Circul.Silo.Tests.Hardening;

/// <summary>
/// Found while fixing issue 10, item 4: a NUL character or an unpaired surrogate in any JSON string field (message
/// text, bio, description, reaction emoji, ids) reached PostgreSQL, which cannot store it, and answered 500 with an
/// Error log and a stack trace. Now every string field refuses them with a 400 naming the field, and nothing is written.
/// </summary>
public sealed class StorableTextTests(PostgresSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<PostgresSiloFixture>
{
    [Fact]
    public async Task Nul_InAnyStringField_Returns400NamingTheField()
    {
        var world = await NewBotsInDmAsync();
        var message = await SendAsync(world.A, world.DmId, "first");
        var messages = $"/api/conversations/{world.DmId}/messages";

        Assert.StartsWith("text ", (await world.A.PostAsync(messages, new { text = "a\0b" })).ExpectError(HttpStatusCode.BadRequest));
        Assert.StartsWith("reply_to_id ", (await world.A.PostAsync(messages, new { text = "ok", reply_to_id = "msg-\0" })).ExpectError(HttpStatusCode.BadRequest));
        Assert.StartsWith("mentions ", (await world.A.PostAsync(messages, new { text = "ok", mentions = new[] { "u-\0" } })).ExpectError(HttpStatusCode.BadRequest));
        Assert.StartsWith("emoji ", (await world.A.PostAsync($"/api/messages/{message.Str("id")}/reactions", new { emoji = "\0" })).ExpectError(HttpStatusCode.BadRequest));
        Assert.StartsWith("bio ", (await world.Owner.PatchAsync("/api/me", new { bio = "a\0b" })).ExpectError(HttpStatusCode.BadRequest));
        Assert.StartsWith("mood ", (await world.A.PatchAsync("/api/bot/me", new { mood = "\0" })).ExpectError(HttpStatusCode.BadRequest));
        Assert.StartsWith("description ", (await world.Owner.PostAsync("/api/apps", new { name = "ok", description = "a\0b" })).ExpectError(HttpStatusCode.BadRequest));

        Assert.Equal(["first"], (await ListAsync(world.B, world.DmId)).Select(m => m.Str("text")));
        Assert.Empty((await world.A.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json.Str("mood"));
    }

    [Theory]
    [InlineData("""{"bio": "a\ud800b"}""")]
    [InlineData("""{"bio": "\udc00"}""")]
    [InlineData("""{"bio": "end\ud83e"}""")]
    public async Task UnpairedSurrogate_Returns400NamingTheField(string body)
    {
        var human = await NewHumanAsync();

        var error = (await human.SendRawAsync(HttpMethod.Patch, "/api/me", body)).ExpectError(HttpStatusCode.BadRequest);

        Assert.StartsWith("bio ", error);
        Assert.Empty((await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json.Str("bio"));
    }

    [Fact]
    public async Task SurrogatePairs_AndEscapedOnes_AreStoredAsSent()
    {
        var human = await NewHumanAsync();

        var response = await human.SendRawAsync(HttpMethod.Patch, "/api/me", """{"bio": "bot \ud83e\udd16 and 🤖"}""");

        Assert.Equal("bot 🤖 and 🤖", response.Expect(HttpStatusCode.OK).Json.Str("bio"));
    }
}
