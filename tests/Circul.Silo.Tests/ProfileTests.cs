namespace Circul.Silo.Tests;

/// <summary>API.md section 3: /api/me, /api/bot/me, /api/users, /api/contacts.</summary>
public sealed class ProfileTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task GetMe_ForAHuman_ReturnsEveryFieldOfTheUserObject()
    {
        var human = await NewHumanAsync();

        var me = (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json;

        ContractShapes.AssertUser(me);
        Assert.Equal(human.Id, me.Str("id"));
        Assert.StartsWith("u-", me.Str("id"), StringComparison.Ordinal);
        Assert.False(me.Bool("is_bot"));
        Assert.Null(me.NullableStr("owner_id"));
        Assert.Equal("", me.Str("avatar_url"));
        Assert.Equal("", me.Str("banner_url"));
    }

    [Fact]
    public async Task GetMe_ForABot_ReturnsIsBotAndItsOwner()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        var me = (await bot.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json;

        ContractShapes.AssertUser(me);
        Assert.True(me.Bool("is_bot"));
        Assert.Equal(owner.Id, me.Str("owner_id"));
        Assert.Equal("", me.Str("avatar_url"));
    }

    [Fact]
    public async Task PatchBotMe_WithStatusOnly_ChangesStatusAndKeepsMood()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        (await bot.PatchAsync("/api/bot/me", new { mood = "calm" })).Expect(HttpStatusCode.OK);

        var response = await bot.PatchAsync("/api/bot/me", new { status = "busy" });

        var user = response.Expect(HttpStatusCode.OK).Json;
        ContractShapes.AssertUser(user);
        Assert.Equal("busy", user.Str("status"));
        Assert.Equal("calm", user.Str("mood"));
        Assert.Equal("busy", (await bot.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json.Str("status"));
    }

    [Fact]
    public async Task PatchBotMe_WithMoodOnly_ChangesMoodAndKeepsStatus()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        (await bot.PatchAsync("/api/bot/me", new { status = "away" })).Expect(HttpStatusCode.OK);

        var response = await bot.PatchAsync("/api/bot/me", new { mood = "thinking" });

        var user = response.Expect(HttpStatusCode.OK).Json;
        Assert.Equal("thinking", user.Str("mood"));
        Assert.Equal("away", user.Str("status"));
    }

    [Theory]
    [InlineData("online")]
    [InlineData("away")]
    [InlineData("busy")]
    [InlineData("offline")]
    public async Task PatchBotMe_WithEachStatusOfTheEnum_IsAccepted(string status)
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        var user = (await bot.PatchAsync("/api/bot/me", new { status })).Expect(HttpStatusCode.OK).Json;

        Assert.Equal(status, user.Str("status"));
    }

    [Fact]
    public async Task PatchBotMe_WithUnknownStatus_Returns400NamingStatusAndChangesNothing()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        (await bot.PatchAsync("/api/bot/me", new { status = "away" })).Expect(HttpStatusCode.OK);

        var response = await bot.PatchAsync("/api/bot/me", new { status = "sleeping", mood = "should not stick" });

        Assert.Contains("status", response.ExpectError(HttpStatusCode.BadRequest), StringComparison.OrdinalIgnoreCase);
        var me = (await bot.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("away", me.Str("status"));
        Assert.NotEqual("should not stick", me.Prop("mood").ValueKind == JsonValueKind.String ? me.Str("mood") : null);
    }

    [Fact]
    public async Task PatchBotMe_WithStatusOfWrongType_Returns400()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        (await bot.PatchAsync("/api/bot/me", new { status = 5 })).ExpectError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task PatchBotMe_WithMoodOf129Characters_Returns400_And128IsAccepted()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        (await bot.PatchAsync("/api/bot/me", new { mood = new string('m', 129) })).ExpectError(HttpStatusCode.BadRequest);
        var user = (await bot.PatchAsync("/api/bot/me", new { mood = new string('m', 128) })).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(128, user.Str("mood").Length);
    }

    [Fact]
    public async Task PatchBotMe_ByAHuman_Returns403()
    {
        var human = await NewHumanAsync();

        (await human.PatchAsync("/api/bot/me", new { status = "busy" })).ExpectError(HttpStatusCode.Forbidden);
        Assert.NotEqual("busy", (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json.Str("status"));
    }

    [Fact]
    public async Task PatchMe_ChangesNameBioAndMood_AndKeepsTheRest()
    {
        var human = await NewHumanAsync();
        var name = SiloFixture.RandomName("renamed");

        var user = (await human.PatchAsync("/api/me", new { name, bio = "I own bots", mood = "ok" })).Expect(HttpStatusCode.OK).Json;

        ContractShapes.AssertUser(user);
        Assert.Equal(name, user.Str("name"));
        Assert.Equal("I own bots", user.Str("bio"));
        Assert.Equal("ok", user.Str("mood"));
        var again = (await human.PatchAsync("/api/me", new { bio = "only bio" })).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(name, again.Str("name"));
        Assert.Equal("ok", again.Str("mood"));
        Assert.Equal("only bio", again.Str("bio"));
    }

    [Fact]
    public async Task PatchMe_ByABot_ChangesItsProfile()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        var user = (await bot.PatchAsync("/api/me", new { bio = "beep" })).Expect(HttpStatusCode.OK).Json;

        Assert.Equal("beep", user.Str("bio"));
        Assert.True(user.Bool("is_bot"));
    }

    [Theory]
    [InlineData("""{"name": ""}""")]
    [InlineData("""{"name": 12}""")]
    [InlineData("""{"bio": false}""")]
    [InlineData("""{"status": "asleep"}""")]
    public async Task PatchMe_WithInvalidField_Returns400AndChangesNothing(string body)
    {
        var human = await NewHumanAsync();

        var response = await human.SendRawAsync(HttpMethod.Patch, "/api/me", body);

        response.ExpectError(HttpStatusCode.BadRequest);
        var me = (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(human.Name, me.Str("name"));
    }

    [Fact]
    public async Task PatchMe_WithNameOver100Characters_Returns400()
    {
        var human = await NewHumanAsync();

        (await human.PatchAsync("/api/me", new { name = new string('n', 101) })).ExpectError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task GetUser_OwnersBot_Returns200WithTheUserObject()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        var fromOwner = (await owner.GetAsync($"/api/users/{bot.Id}")).Expect(HttpStatusCode.OK).Json;
        var fromBot = (await bot.GetAsync($"/api/users/{owner.Id}")).Expect(HttpStatusCode.OK).Json;

        ContractShapes.AssertUser(fromOwner);
        Assert.Equal(bot.Id, fromOwner.Str("id"));
        Assert.Equal(owner.Id, fromBot.Str("id"));
    }

    [Fact]
    public async Task GetUser_Invisible_Returns404ExactlyLikeAnUnknownUser()
    {
        var human = await NewHumanAsync();
        var stranger = await NewHumanAsync();

        var invisible = await human.GetAsync($"/api/users/{stranger.Id}");
        var unknown = await human.GetAsync("/api/users/u-doesnotexist");

        var invisibleError = invisible.ExpectError(HttpStatusCode.NotFound);
        var unknownError = unknown.ExpectError(HttpStatusCode.NotFound);
        Assert.Equal(unknownError.Replace("u-doesnotexist", "ID", StringComparison.Ordinal), invisibleError.Replace(stranger.Id, "ID", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Contacts_OfABot_IncludeItsOwnerButNotItsSiblingsOrStrangers()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        var sibling = await NewBotAsync(owner);
        var stranger = await NewHumanAsync();

        var contacts = (await bot.GetAsync("/api/contacts")).Expect(HttpStatusCode.OK).Json;

        var ids = contacts.Ids();
        Assert.Contains(owner.Id, ids);
        Assert.DoesNotContain(sibling.Id, ids);
        Assert.DoesNotContain(stranger.Id, ids);
        Assert.DoesNotContain(bot.Id, ids);
        foreach (var user in contacts.Items())
        {
            ContractShapes.AssertUser(user);
        }
    }

    [Fact]
    public async Task Contacts_OfAHuman_IncludeItsBotsButNotOtherPeoplesBots()
    {
        var owner = await NewHumanAsync();
        var first = await NewBotAsync(owner);
        var second = await NewBotAsync(owner);
        var other = await NewHumanAsync();
        var foreign = await NewBotAsync(other);

        var ids = (await owner.GetAsync("/api/contacts")).Expect(HttpStatusCode.OK).Json.Ids();

        Assert.Contains(first.Id, ids);
        Assert.Contains(second.Id, ids);
        Assert.DoesNotContain(foreign.Id, ids);
        Assert.DoesNotContain(other.Id, ids);
    }

    [Fact]
    public async Task Contacts_IncludeGroupAndDmPeers_WhoBecomeVisible()
    {
        var world = await NewBotsInDmAsync();
        var thirdOwner = await NewHumanAsync();

        var contactsOfA = (await world.A.GetAsync("/api/contacts")).Expect(HttpStatusCode.OK).Json.Ids();

        Assert.Contains(world.B.Id, contactsOfA);
        Assert.Contains(world.Owner.Id, contactsOfA);
        Assert.DoesNotContain(thirdOwner.Id, contactsOfA);
        (await world.A.GetAsync($"/api/users/{world.B.Id}")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task PatchBotMe_WithAnEmptyObject_ChangesNothing()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        (await bot.PatchAsync("/api/bot/me", new { status = "away", mood = "steady" })).Expect(HttpStatusCode.OK);

        var user = (await bot.PatchAsync("/api/bot/me", new { })).Expect(HttpStatusCode.OK).Json;

        Assert.Equal("away", user.Str("status"));
        Assert.Equal("steady", user.Str("mood"));
    }

    [Fact]
    public async Task GetUser_Self_Returns200()
    {
        var human = await NewHumanAsync();

        var user = (await human.GetAsync($"/api/users/{human.Id}")).Expect(HttpStatusCode.OK).Json;

        Assert.Equal(human.Id, user.Str("id"));
    }
}
