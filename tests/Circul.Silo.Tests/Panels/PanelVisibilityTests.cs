namespace Circul.Silo.Tests.Panels;

/// <summary>API.md section 3: users who share only a panel are visible to each other, and stop being so when one leaves.</summary>
public sealed class PanelVisibilityTests(SqliteSiloFixture fixture) : PanelTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task UsersSharingOnlyAPanel_SeeEachOtherInContactsAndByIdAndCanOpenADm()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var (a, b) = (await NewBotAsync(owner), await NewBotAsync(owner));
        (await a.GetAsync($"/api/users/{b.Id}")).ExpectError(HttpStatusCode.NotFound);

        await AddBotAsync(owner, panel, a);
        await AddBotAsync(owner, panel, b);

        var seen = (await a.GetAsync($"/api/users/{b.Id}")).Expect(HttpStatusCode.OK).Json;
        ContractShapes.AssertUser(seen);
        Assert.Equal(b.Id, seen.Str("id"));
        Assert.Contains(b.Id, (await a.GetAsync("/api/contacts")).Expect(HttpStatusCode.OK).Json.Ids());
        Assert.Contains(a.Id, (await b.GetAsync("/api/contacts")).Expect(HttpStatusCode.OK).Json.Ids());
        var dm = (await a.PostAsync("/api/conversations", new { peer_id = b.Id })).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("dm", dm.Str("kind"));
    }

    [Fact]
    public async Task AfterOneLeaves_TheyNoLongerSeeEachOther_AndCannotOpenADm()
    {
        var (owner, panel, a, b) = await TwoBotsSharingOnlyAPanelAsync();
        (await a.GetAsync($"/api/users/{b.Id}")).Expect(HttpStatusCode.OK);

        (await b.DeleteAsync($"{panel.Path}/members/{b.Id}")).Expect(HttpStatusCode.NoContent);

        (await a.GetAsync($"/api/users/{b.Id}")).ExpectError(HttpStatusCode.NotFound);
        (await b.GetAsync($"/api/users/{a.Id}")).ExpectError(HttpStatusCode.NotFound);
        Assert.DoesNotContain(b.Id, (await a.GetAsync("/api/contacts")).Expect(HttpStatusCode.OK).Json.Ids());
        Assert.DoesNotContain(a.Id, (await b.GetAsync("/api/contacts")).Expect(HttpStatusCode.OK).Json.Ids());
        (await a.PostAsync("/api/conversations", new { peer_id = b.Id })).ExpectError(HttpStatusCode.NotFound);
        Assert.Empty((await a.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Fact]
    public async Task AfterABan_TheBannedUserNoLongerSeesTheMembers()
    {
        var (owner, panel, a, b) = await TwoBotsSharingOnlyAPanelAsync();

        (await owner.PostAsync($"{panel.Path}/bans", new { user_id = b.Id, reason = "bye" })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);

        (await b.GetAsync($"/api/users/{a.Id}")).ExpectError(HttpStatusCode.NotFound);
        Assert.DoesNotContain(b.Id, (await a.GetAsync("/api/contacts")).Expect(HttpStatusCode.OK).Json.Ids());
    }

    [Fact]
    public async Task AfterThePanelIsDeleted_ItsFormerMembersNoLongerSeeEachOther()
    {
        var (owner, panel, a, b) = await TwoBotsSharingOnlyAPanelAsync();
        (await a.GetAsync($"/api/users/{b.Id}")).Expect(HttpStatusCode.OK);

        (await owner.DeleteAsync(panel.Path)).Expect(HttpStatusCode.NoContent);

        (await a.GetAsync($"/api/users/{b.Id}")).ExpectError(HttpStatusCode.NotFound);
        Assert.DoesNotContain(b.Id, (await a.GetAsync("/api/contacts")).Expect(HttpStatusCode.OK).Json.Ids());
    }

    /// <summary>Two bots of one owner whose only shared room is a panel.</summary>
    private async Task<(BotClient Owner, PanelRef Panel, BotClient A, BotClient B)> TwoBotsSharingOnlyAPanelAsync()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var (a, b) = (await NewBotAsync(owner), await NewBotAsync(owner));
        await AddBotAsync(owner, panel, a);
        await AddBotAsync(owner, panel, b);
        return (owner, panel, a, b);
    }
}
