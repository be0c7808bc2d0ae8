namespace Circul.Silo.Tests;

/// <summary>API.md section 4: groups, their members and their messages route.</summary>
public sealed class GroupsTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task CreateGroup_Returns201WithTheCallerIncludedAsOwner()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);
        var b = await NewBotAsync(owner);

        var response = await owner.PostAsync("/api/groups", new { name = "crew", member_ids = new[] { a.Id, b.Id } });

        var group = response.Expect(HttpStatusCode.Created).Json;
        ContractShapes.AssertConversation(group, "group");
        Assert.Equal("crew", group.Str("name"));
        Assert.Equal(owner.Id, group.Str("owner_id"));
        Assert.Equal(new[] { owner.Id, a.Id, b.Id }.Order(), group.Strings("member_ids").Order());
        var fetched = (await a.GetAsync($"/api/groups/{group.Str("id")}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(group.Str("id"), fetched.Str("id"));
        Assert.Contains(group.Str("id"), (await b.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Ids());
    }

    [Fact]
    public async Task CreateGroup_With100MembersIsAccepted_AndWith101Returns400()
    {
        var owner = await NewHumanAsync();
        var bots = new List<BotClient>();
        for (var i = 0; i < 100; i++)
        {
            bots.Add(await NewBotAsync(owner));
        }

        var tooMany = await owner.PostAsync("/api/groups", new { name = "too many", member_ids = bots.Select(b => b.Id).ToArray() });
        var justRight = await owner.PostAsync("/api/groups", new { name = "full", member_ids = bots.Take(99).Select(b => b.Id).ToArray() });

        tooMany.ExpectError(HttpStatusCode.BadRequest);
        Assert.Equal(100, justRight.Expect(HttpStatusCode.Created).Json.Items("member_ids").Length);
        Assert.Single((await owner.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task CreateGroup_WithoutAName_Returns400(string? name)
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        var response = await owner.PostAsync("/api/groups", new { name, member_ids = new[] { bot.Id } });

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Empty((await owner.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Fact]
    public async Task CreateGroup_WithAnInvisibleMember_IsRefusedAndCreatesNothing()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        var stranger = await NewStrangerAsync();

        var response = await owner.PostAsync("/api/groups", new { name = "sneaky", member_ids = new[] { bot.Id, stranger.Bot.Id } });

        response.ExpectOneOf(HttpStatusCode.NotFound, HttpStatusCode.BadRequest);
        Assert.Empty((await owner.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Items());
        Assert.DoesNotContain(owner.Id, (await stranger.Bot.GetAsync("/api/contacts")).Expect(HttpStatusCode.OK).Json.Ids());
    }

    [Fact]
    public async Task AddMember_ByAMember_AddsAVisibleUserWhoCanThenReadAndPost()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);
        var late = await NewBotAsync(owner);
        var groupId = (await CreateGroupAsync(owner, a)).Str("id");
        await SendAsync(a, groupId, "before the newcomer");

        var response = await owner.PostAsync($"/api/groups/{groupId}/members", new { user_id = late.Id });

        response.ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);
        var group = (await owner.GetAsync($"/api/groups/{groupId}")).Expect(HttpStatusCode.OK).Json;
        Assert.Contains(late.Id, group.Strings("member_ids"));
        Assert.Single(await ListAsync(late, groupId));
        await SendAsync(late, groupId, "hello all");
    }

    [Fact]
    public async Task AddMember_AnInvisibleUser_Returns404AndAddsNobody()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);
        var stranger = await NewStrangerAsync();
        var groupId = (await CreateGroupAsync(owner, a)).Str("id");

        var response = await owner.PostAsync($"/api/groups/{groupId}/members", new { user_id = stranger.Bot.Id });

        response.ExpectError(HttpStatusCode.NotFound);
        var group = (await owner.GetAsync($"/api/groups/{groupId}")).Expect(HttpStatusCode.OK).Json;
        Assert.DoesNotContain(stranger.Bot.Id, group.Strings("member_ids"));
    }

    [Fact]
    public async Task AddMember_ByANonMember_Returns404()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);
        var outsider = await NewBotAsync(owner);
        var groupId = (await CreateGroupAsync(owner, a)).Str("id");

        var response = await outsider.PostAsync($"/api/groups/{groupId}/members", new { user_id = owner.Id });

        response.ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RemoveMember_ByTheOwner_Returns204_AndTheRemovedMemberLosesAccess()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);
        var b = await NewBotAsync(owner);
        var groupId = (await CreateGroupAsync(owner, a, b)).Str("id");

        var response = await owner.DeleteAsync($"/api/groups/{groupId}/members/{b.Id}");

        response.Expect(HttpStatusCode.NoContent);
        var group = (await owner.GetAsync($"/api/groups/{groupId}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(new[] { owner.Id, a.Id }.Order(), group.Strings("member_ids").Order());
        (await b.GetAsync($"/api/groups/{groupId}")).ExpectError(HttpStatusCode.NotFound);
        (await b.GetAsync($"/api/conversations/{groupId}/messages")).ExpectError(HttpStatusCode.NotFound);
        (await b.PostAsync($"/api/conversations/{groupId}/messages", new { text = "am I still here?" })).ExpectError(HttpStatusCode.NotFound);
        Assert.DoesNotContain(groupId, (await b.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Ids());
    }

    [Fact]
    public async Task RemoveMember_ANonOwnerRemovingSomeoneElse_Returns403AndRemovesNobody()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);
        var b = await NewBotAsync(owner);
        var groupId = (await CreateGroupAsync(owner, a, b)).Str("id");

        var response = await a.DeleteAsync($"/api/groups/{groupId}/members/{b.Id}");

        response.ExpectError(HttpStatusCode.Forbidden);
        var group = (await owner.GetAsync($"/api/groups/{groupId}")).Expect(HttpStatusCode.OK).Json;
        Assert.Contains(b.Id, group.Strings("member_ids"));
    }

    [Fact]
    public async Task RemoveMember_ANonOwnerRemovingThemself_Returns204()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);
        var b = await NewBotAsync(owner);
        var groupId = (await CreateGroupAsync(owner, a, b)).Str("id");

        var response = await a.DeleteAsync($"/api/groups/{groupId}/members/{a.Id}");

        response.Expect(HttpStatusCode.NoContent);
        var group = (await owner.GetAsync($"/api/groups/{groupId}")).Expect(HttpStatusCode.OK).Json;
        Assert.DoesNotContain(a.Id, group.Strings("member_ids"));
        (await a.GetAsync($"/api/groups/{groupId}")).ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GroupMessagesRoute_SendsAndListsTheSameMessagesAsTheConversationsRoute()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);
        var groupId = (await CreateGroupAsync(owner, a)).Str("id");

        var viaGroups = (await a.PostAsync($"/api/groups/{groupId}/messages", new { text = "via groups" })).Expect(HttpStatusCode.Created).Json;
        var viaConversations = await SendAsync(owner, groupId, "via conversations");

        ContractShapes.AssertMessage(viaGroups);
        Assert.Equal(groupId, viaGroups.Str("conv_id"));
        var fromGroups = (await a.GetAsync($"/api/groups/{groupId}/messages")).Expect(HttpStatusCode.OK).Json.Ids();
        var fromConversations = await ListIdsAsync(owner, groupId);
        Assert.Equal(new[] { viaConversations.Str("id"), viaGroups.Str("id") }, fromGroups);
        Assert.Equal(fromGroups, fromConversations);
    }

    [Fact]
    public async Task GetGroup_ByANonMember_Returns404()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);
        var groupId = (await CreateGroupAsync(owner, a)).Str("id");
        var stranger = await NewStrangerAsync();

        (await stranger.Bot.GetAsync($"/api/groups/{groupId}")).ExpectError(HttpStatusCode.NotFound);
        (await stranger.Bot.GetAsync($"/api/groups/{groupId}/messages")).ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CreateGroup_ListingTheCallerOrAMemberTwice_KeepsEachMemberOnce()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);

        var response = await owner.PostAsync("/api/groups", new { name = "dupes", member_ids = new[] { a.Id, a.Id, owner.Id } });

        var group = response.Expect(HttpStatusCode.Created).Json;
        Assert.Equal(new[] { owner.Id, a.Id }.Order(), group.Strings("member_ids").Order());
    }

    [Fact]
    public async Task CreateGroup_WithANameOver100Characters_Returns400()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        var response = await owner.PostAsync("/api/groups", new { name = new string('g', 101), member_ids = new[] { bot.Id } });

        response.ExpectError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AddMember_ByANonOwnerMember_WorksForUsersVisibleToThatMemberOnly()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);
        var b = await NewBotAsync(owner);
        var c = await NewBotAsync(owner);
        var unseen = await NewBotAsync(owner);
        await CreateGroupAsync(owner, a, c);
        var groupId = (await CreateGroupAsync(owner, a, b)).Str("id");

        var visible = await a.PostAsync($"/api/groups/{groupId}/members", new { user_id = c.Id });
        var invisibleToA = await a.PostAsync($"/api/groups/{groupId}/members", new { user_id = unseen.Id });

        visible.ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);
        invisibleToA.ExpectError(HttpStatusCode.NotFound);
        var members = (await owner.GetAsync($"/api/groups/{groupId}")).Expect(HttpStatusCode.OK).Json.Strings("member_ids");
        Assert.Contains(c.Id, members);
        Assert.DoesNotContain(unseen.Id, members);
    }

    [Fact]
    public async Task GroupRoutes_WithADmId_Answer404_AndSendNothing()
    {
        var world = await NewBotsInDmAsync();

        var get = await world.A.GetAsync($"/api/groups/{world.DmId}");
        var list = await world.A.GetAsync($"/api/groups/{world.DmId}/messages");
        var send = await world.A.PostAsync($"/api/groups/{world.DmId}/messages", new { text = "through the wrong door" });

        get.ExpectError(HttpStatusCode.NotFound);
        list.ExpectError(HttpStatusCode.NotFound);
        send.ExpectError(HttpStatusCode.NotFound);
        Assert.Empty((await world.A.GetAsync($"/api/conversations/{world.DmId}/messages")).Expect(HttpStatusCode.OK).Json.Items());
    }
}
