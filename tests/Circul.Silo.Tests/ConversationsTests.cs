namespace Circul.Silo.Tests;

/// <summary>API.md section 4: DMs and the conversation list.</summary>
public sealed class ConversationsTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task OpenDm_WithAVisibleUser_Returns200WithTheDmObject()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        var response = await bot.PostAsync("/api/conversations", new { peer_id = owner.Id });

        var conv = response.Expect(HttpStatusCode.OK).Json;
        ContractShapes.AssertConversation(conv, "dm");
        Assert.Equal(new[] { owner.Id, bot.Id }.Order(), conv.Strings("member_ids").Order());
        Assert.Null(conv.NullableStr("last_message_id"));
    }

    [Fact]
    public async Task OpenDm_Twice_AndFromTheOtherSide_ReturnsTheSameConversation()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        var first = await OpenDmAsync(bot, owner);
        var second = await OpenDmAsync(bot, owner);
        var reverse = await OpenDmAsync(owner, bot);

        Assert.Equal(first, second);
        Assert.Equal(first, reverse);
        var list = (await bot.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Ids();
        Assert.Single(list, id => id == first);
    }

    [Fact]
    public async Task OpenDm_WithAnInvisibleUser_Returns404ExactlyLikeAnUnknownUser()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        var stranger = await NewStrangerAsync();

        var invisible = await bot.PostAsync("/api/conversations", new { peer_id = stranger.Bot.Id });
        var unknown = await bot.PostAsync("/api/conversations", new { peer_id = "bot-doesnotexist" });

        var invisibleError = invisible.ExpectError(HttpStatusCode.NotFound);
        var unknownError = unknown.ExpectError(HttpStatusCode.NotFound);
        Assert.Equal(unknownError.Replace("bot-doesnotexist", "ID", StringComparison.Ordinal), invisibleError.Replace(stranger.Bot.Id, "ID", StringComparison.Ordinal));
        Assert.DoesNotContain(stranger.Bot.Id, (await bot.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenDm_WithoutPeerId_Returns400()
    {
        var human = await NewHumanAsync();

        (await human.PostAsync("/api/conversations", new { })).ExpectError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ListConversations_IsOrderedByMostRecentActivity()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);
        var b = await NewBotAsync(owner);
        var c = await NewBotAsync(owner);
        var dmA = await OpenDmAsync(owner, a);
        var dmB = await OpenDmAsync(owner, b);
        var dmC = await OpenDmAsync(owner, c);
        await SendAsync(owner, dmC, "c first");
        await SendAsync(owner, dmB, "b second");
        var last = await SendAsync(a, dmA, "a last");

        var list = (await owner.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Items();

        Assert.Equal(new[] { dmA, dmB, dmC }, list.Select(x => x.Str("id")).ToArray());
        Assert.Equal(last.Str("id"), list[0].NullableStr("last_message_id"));
        await SendAsync(c, dmC, "c again");
        var reordered = (await owner.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Ids();
        Assert.Equal(new[] { dmC, dmA, dmB }, reordered);
    }

    [Fact]
    public async Task ListConversations_ContainsOnlyTheCallersConversations()
    {
        var world = await NewBotsInDmAsync();
        var stranger = await NewStrangerAsync();

        var ofA = (await world.A.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json;
        var ofStranger = (await stranger.Bot.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Ids();

        Assert.Equal(new[] { world.DmId, world.GroupId }.Order(), ofA.Ids().Order());
        Assert.Equal(new[] { stranger.DmId }, ofStranger);
        foreach (var conv in ofA.Items())
        {
            ContractShapes.AssertConversation(conv, conv.Str("id") == world.DmId ? "dm" : "group");
        }
    }

    [Fact]
    public async Task GetConversation_ByAMember_Returns200_AndByANonMember_Returns404LikeUnknown()
    {
        var world = await NewBotsInDmAsync();
        var stranger = await NewStrangerAsync();

        var asMember = (await world.B.GetAsync($"/api/conversations/{world.DmId}")).Expect(HttpStatusCode.OK).Json;
        var asOwnerOfBoth = await world.Owner.GetAsync($"/api/conversations/{world.DmId}");
        var asStranger = await stranger.Bot.GetAsync($"/api/conversations/{world.DmId}");
        var unknown = await stranger.Bot.GetAsync("/api/conversations/c-doesnotexist");

        ContractShapes.AssertConversation(asMember, "dm");
        Assert.Equal(world.DmId, asMember.Str("id"));
        asOwnerOfBoth.ExpectError(HttpStatusCode.NotFound);
        asStranger.ExpectError(HttpStatusCode.NotFound);
        unknown.ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Conversation_LastMessageId_FollowsTheNewestMessage()
    {
        var world = await NewBotsInDmAsync();
        await SendAsync(world.A, world.DmId, "one");
        var two = await SendAsync(world.B, world.DmId, "two");

        var conv = (await world.A.GetAsync($"/api/conversations/{world.DmId}")).Expect(HttpStatusCode.OK).Json;

        Assert.Equal(two.Str("id"), conv.NullableStr("last_message_id"));
    }
}
