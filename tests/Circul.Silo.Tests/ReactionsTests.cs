namespace Circul.Silo.Tests;

/// <summary>API.md section 5: reactions on DM and group messages.</summary>
public sealed class ReactionsTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    private static readonly HttpStatusCode[] AddAnswers = [HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent];

    [Fact]
    public async Task AddReaction_Twice_IsIdempotentAndCountsOnce()
    {
        var world = await NewBotsInDmAsync();
        var message = await SendAsync(world.A, world.DmId, "react to me");
        var path = $"/api/messages/{message.Str("id")}/reactions";

        (await world.B.PostAsync(path, new { emoji = "👍" })).ExpectOneOf(AddAnswers);
        (await world.B.PostAsync(path, new { emoji = "👍" })).ExpectOneOf(AddAnswers);

        var reaction = Assert.Single(Assert.Single(await ListAsync(world.A, world.DmId)).Items("reactions"));
        Assert.Equal("👍", reaction.Str("emoji"));
        Assert.Equal(1, reaction.Long("count"));
        Assert.Equal(new[] { world.B.Id }, reaction.Strings("user_ids"));
    }

    [Fact]
    public async Task AddReaction_ByTwoUsers_CountsTwo_AndRemovingOneLeavesTheOther()
    {
        var world = await NewBotsInDmAsync();
        var message = await SendAsync(world.A, world.DmId, "popular");
        var id = message.Str("id");
        (await world.A.PostAsync($"/api/messages/{id}/reactions", new { emoji = "🎉" })).ExpectOneOf(AddAnswers);
        (await world.B.PostAsync($"/api/messages/{id}/reactions", new { emoji = "🎉" })).ExpectOneOf(AddAnswers);
        (await world.B.PostAsync($"/api/messages/{id}/reactions", new { emoji = "ok" })).ExpectOneOf(AddAnswers);

        var before = Assert.Single(await ListAsync(world.A, world.DmId)).Items("reactions");
        var party = Assert.Single(before, r => r.Str("emoji") == "🎉");
        Assert.Equal(2, party.Long("count"));
        Assert.Equal(new[] { world.A.Id, world.B.Id }.Order(), party.Strings("user_ids").Order());

        var removal = await world.B.DeleteAsync($"/api/messages/{id}/reactions/{Uri.EscapeDataString("🎉")}");

        removal.Expect(HttpStatusCode.NoContent);
        var after = Assert.Single(await ListAsync(world.A, world.DmId)).Items("reactions");
        var remaining = Assert.Single(after, r => r.Str("emoji") == "🎉");
        Assert.Equal(1, remaining.Long("count"));
        Assert.Equal(new[] { world.A.Id }, remaining.Strings("user_ids"));
        Assert.Single(after, r => r.Str("emoji") == "ok");
    }

    [Fact]
    public async Task RemoveReaction_TheLastOne_LeavesNoEntryWithCountZero()
    {
        var world = await NewBotsInDmAsync();
        var message = await SendAsync(world.A, world.DmId, "briefly liked");
        var id = message.Str("id");
        (await world.B.PostAsync($"/api/messages/{id}/reactions", new { emoji = "x" })).ExpectOneOf(AddAnswers);

        (await world.B.DeleteAsync($"/api/messages/{id}/reactions/x")).Expect(HttpStatusCode.NoContent);

        var reactions = Assert.Single(await ListAsync(world.A, world.DmId)).Items("reactions");
        Assert.DoesNotContain(reactions, r => r.Long("count") > 0);
    }

    [Fact]
    public async Task AddReaction_WithAn33CharacterEmoji_Returns400AndAddsNothing()
    {
        var world = await NewBotsInDmAsync();
        var message = await SendAsync(world.A, world.DmId, "too long");

        var response = await world.B.PostAsync($"/api/messages/{message.Str("id")}/reactions", new { emoji = new string('e', 33) });

        Assert.Contains("emoji", response.ExpectError(HttpStatusCode.BadRequest), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Assert.Single(await ListAsync(world.A, world.DmId)).Items("reactions"));
    }

    [Fact]
    public async Task AddReaction_WithEmptyOrMissingEmoji_Returns400()
    {
        var world = await NewBotsInDmAsync();
        var message = await SendAsync(world.A, world.DmId, "empty");
        var path = $"/api/messages/{message.Str("id")}/reactions";

        (await world.B.PostAsync(path, new { emoji = "" })).ExpectError(HttpStatusCode.BadRequest);
        (await world.B.PostAsync(path, new { })).ExpectError(HttpStatusCode.BadRequest);
        Assert.Empty(Assert.Single(await ListAsync(world.A, world.DmId)).Items("reactions"));
    }

    [Fact]
    public async Task AddReaction_ByANonMember_Returns404()
    {
        var world = await NewBotsInDmAsync();
        var message = await SendAsync(world.A, world.DmId, "members only");
        var stranger = await NewStrangerAsync();

        (await stranger.Bot.PostAsync($"/api/messages/{message.Str("id")}/reactions", new { emoji = "👀" })).ExpectError(HttpStatusCode.NotFound);

        Assert.Empty(Assert.Single(await ListAsync(world.A, world.DmId)).Items("reactions"));
    }
}
