namespace Circul.Silo.Tests.StorageParity;

/// <summary>
/// The core of the API run once per storage provider (CONVENTIONS: "one abstract test class, derived once for
/// SQLite and once for PostgreSQL"). Each derived class gets its own silo on a fresh database.
/// </summary>
public abstract class StorageParityTests(SiloFixture fixture) : SiloTestBase(fixture)
{
    [Fact]
    public async Task RegisterLoginAndMe_RoundTrip()
    {
        var human = await NewHumanAsync();

        var login = await Fixture.Anonymous().PostAsync("/api/auth/login", new { username = human.Name, password = SiloFixture.Password });
        var token = login.Expect(HttpStatusCode.OK).Json.Str("token");
        var me = (await Fixture.WithToken(token, "Bearer").GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json;

        Assert.Equal(human.Id, me.Str("id"));
        (await Fixture.Anonymous().PostAsync("/api/auth/register", new { username = human.Name, password = SiloFixture.Password })).ExpectError(HttpStatusCode.Conflict);
        (await Fixture.Anonymous().PostAsync("/api/auth/login", new { username = human.Name, password = "wrong-password" })).ExpectError(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_RevokesTheSessionToken()
    {
        var human = await NewHumanAsync();

        (await human.PostAsync("/api/auth/logout")).Expect(HttpStatusCode.NoContent);

        (await human.GetAsync("/api/me")).ExpectError(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CreateApp_BotTokenWorks_AndResetRevokesTheOldToken()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        Assert.Equal(owner.Id, bot.User.Str("owner_id"));
        Assert.Contains(bot.Id, (await owner.GetAsync("/api/apps")).Expect(HttpStatusCode.OK).Json.Ids());

        var reset = await owner.PostAsync($"/api/apps/{bot.Id}/token/reset");

        var newToken = reset.Expect(HttpStatusCode.OK).Json.Str("token");
        (await bot.GetAsync("/api/me")).ExpectError(HttpStatusCode.Unauthorized);
        (await Fixture.WithToken(newToken, "Bot").GetAsync("/api/me")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task PatchBotMe_PersistsStatusAndMood()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        (await bot.PatchAsync("/api/bot/me", new { status = "busy", mood = "persisted" })).Expect(HttpStatusCode.OK);

        var seen = (await owner.GetAsync($"/api/users/{bot.Id}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("busy", seen.Str("status"));
        Assert.Equal("persisted", seen.Str("mood"));
    }

    [Fact]
    public async Task Dm_OpensIdempotently_AndSendsAndListsMessages()
    {
        var world = await NewBotsInDmAsync();

        var again = await OpenDmAsync(world.B, world.A);
        var sent = await SendAsync(world.A, world.DmId, "  hello  ");

        Assert.Equal(world.DmId, again);
        ContractShapes.AssertMessage(sent);
        Assert.Equal("hello", sent.Str("text"));
        var listed = Assert.Single(await ListAsync(world.B, world.DmId));
        Assert.Equal(sent.Str("id"), listed.Str("id"));
        Assert.Equal(sent.Str("created_at"), listed.Str("created_at"));
        var conversations = (await world.A.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Ids();
        Assert.Equal(world.DmId, conversations[0]);
    }

    [Fact]
    public async Task Group_SendsAndListsThroughBothRoutes()
    {
        var world = await NewBotsInDmAsync();

        var viaGroup = (await world.B.PostAsync($"/api/groups/{world.GroupId}/messages", new { text = "group hello" })).Expect(HttpStatusCode.Created).Json;

        Assert.Equal(new[] { viaGroup.Str("id") }, await ListIdsAsync(world.Owner, world.GroupId));
        var group = (await world.A.GetAsync($"/api/groups/{world.GroupId}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(new[] { world.Owner.Id, world.A.Id, world.B.Id }.Order(), group.Strings("member_ids").Order());
        (await world.Owner.DeleteAsync($"/api/groups/{world.GroupId}/members/{world.B.Id}")).Expect(HttpStatusCode.NoContent);
        (await world.B.GetAsync($"/api/groups/{world.GroupId}/messages")).ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Paging_NewestFirstWithBeforeAndAfter()
    {
        var world = await NewBotsInDmAsync();
        var m = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            m.Add((await SendAsync(world.A, world.DmId, $"p{i}")).Str("id"));
        }

        Assert.Equal(m.AsEnumerable().Reverse(), await ListIdsAsync(world.A, world.DmId));
        Assert.Equal(new[] { m[5], m[4] }, await ListIdsAsync(world.A, world.DmId, "?limit=2"));
        Assert.Equal(new[] { m[2], m[1] }, await ListIdsAsync(world.A, world.DmId, $"?limit=2&before={m[3]}"));
        Assert.Equal(new[] { m[3], m[2] }, await ListIdsAsync(world.A, world.DmId, $"?limit=2&after={m[1]}"));
        Assert.Equal(m, m.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EditDeleteAndReactions_ArePersisted()
    {
        var world = await NewBotsInDmAsync();
        var keep = await SendAsync(world.A, world.DmId, "keep");
        var drop = await SendAsync(world.A, world.DmId, "drop");

        (await world.A.PatchAsync($"/api/messages/{keep.Str("id")}", new { text = "kept and edited" })).Expect(HttpStatusCode.OK);
        (await world.B.PatchAsync($"/api/messages/{keep.Str("id")}", new { text = "not mine" })).ExpectError(HttpStatusCode.Forbidden);
        (await world.A.DeleteAsync($"/api/messages/{drop.Str("id")}")).Expect(HttpStatusCode.NoContent);
        (await world.B.PostAsync($"/api/messages/{keep.Str("id")}/reactions", new { emoji = "👍" })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);
        (await world.B.PostAsync($"/api/messages/{keep.Str("id")}/reactions", new { emoji = "👍" })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);
        (await world.A.PostAsync($"/api/messages/{keep.Str("id")}/reactions", new { emoji = "x" })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);
        (await world.A.DeleteAsync($"/api/messages/{keep.Str("id")}/reactions/x")).Expect(HttpStatusCode.NoContent);

        var listed = Assert.Single(await ListAsync(world.B, world.DmId));
        Assert.Equal(keep.Str("id"), listed.Str("id"));
        Assert.Equal("kept and edited", listed.Str("text"));
        Assert.NotNull(listed.NullableStr("edited_at"));
        var reaction = Assert.Single(listed.Items("reactions"), r => r.Long("count") > 0);
        Assert.Equal("👍", reaction.Str("emoji"));
        Assert.Equal(1, reaction.Long("count"));
        Assert.Equal(new[] { world.B.Id }, reaction.Strings("user_ids"));
        (await world.A.PatchAsync($"/api/messages/{drop.Str("id")}", new { text = "x" })).ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task IdempotencyKey_StoresOneMessage()
    {
        var world = await NewBotsInDmAsync();
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };

        var first = (await world.A.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = "once" }, headers)).Expect(HttpStatusCode.Created).Json;
        var second = (await world.A.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = "once" }, headers)).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created).Json;

        Assert.Equal(first.Str("id"), second.Str("id"));
        Assert.Single(await ListAsync(world.B, world.DmId));
    }

    [Fact]
    public async Task IdempotencyKey_ReusedForAnotherBody_Returns409AndStoresNothing()
    {
        var world = await NewBotsInDmAsync();
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };

        (await world.A.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = "once" }, headers)).Expect(HttpStatusCode.Created);
        var reused = await world.A.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = "twice" }, headers);

        reused.ExpectError(HttpStatusCode.Conflict);
        Assert.Equal("once", Assert.Single(await ListAsync(world.B, world.DmId)).Str("text"));
    }

    [Fact]
    public async Task Gateway_DeliversMessageNewToBothDmMembers()
    {
        var world = await NewBotsInDmAsync();
        await using var a = await world.A.ConnectReadyAsync();
        await using var b = await world.B.ConnectReadyAsync();

        var sent = await SendAsync(world.A, world.DmId, "live");

        foreach (var socket in new[] { a, b })
        {
            var e = await socket.NextEventAsync("message_new", MessageNewWithId(sent.Str("id")));
            Assert.Equal(world.DmId, e.Payload.Str("conv_id"));
        }
    }

    [Fact]
    public async Task Gateway_DeliversEditsDeletesAndReactions()
    {
        var world = await NewBotsInDmAsync();
        await using var b = await world.B.ConnectReadyAsync();
        var sent = await SendAsync(world.A, world.DmId, "to be changed");
        var id = sent.Str("id");

        (await world.A.PatchAsync($"/api/messages/{id}", new { text = "changed" })).Expect(HttpStatusCode.OK);
        (await world.A.PostAsync($"/api/messages/{id}/reactions", new { emoji = "✅" })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);
        (await world.A.DeleteAsync($"/api/messages/{id}")).Expect(HttpStatusCode.NoContent);

        Assert.Equal("changed", (await b.NextEventAsync("message_edited")).Payload.Prop("message").Str("text"));
        Assert.Equal(id, (await b.NextEventAsync("reaction_added")).Payload.Str("message_id"));
        Assert.Equal(id, (await b.NextEventAsync("message_deleted")).Payload.Str("message_id"));
    }

    [Fact]
    public async Task AcceptedMessagesAndAccounts_SurviveASiloRestartOnTheSameStorage()
    {
        await using var storage = await Fixture.CreateIsolatedStorageAsync();
        var settings = SiloFixture.Merge(Fixture.Settings(), storage.Settings);
        string ownerName, botToken, dmId, ownerToken;
        string[] sentIds;
        await using (var first = await RunningSilo.StartAsync(settings))
        {
            var register = await new BotClient(first, null, null).PostAsync("/api/auth/register", new { username = SiloFixture.RandomName("h"), password = SiloFixture.Password });
            var registered = register.Expect(HttpStatusCode.Created).Json;
            ownerName = registered.Prop("user").Str("name");
            ownerToken = registered.Str("token");
            var owner = new BotClient(first, ownerToken, "Bearer");
            var app = (await owner.PostAsync("/api/apps", new { name = SiloFixture.RandomName("b") })).Expect(HttpStatusCode.Created).Json;
            botToken = app.Str("token");
            var bot = new BotClient(first, botToken, "Bot");
            dmId = (await bot.PostAsync("/api/conversations", new { peer_id = registered.Prop("user").Str("id") })).Expect(HttpStatusCode.OK).Json.Str("id");
            var ids = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                ids.Add((await bot.PostAsync($"/api/conversations/{dmId}/messages", new { text = $"durable {i}" })).Expect(HttpStatusCode.Created).Json.Str("id"));
            }

            sentIds = ids.AsEnumerable().Reverse().ToArray();
            await first.StopAsync();
        }

        await using var second = await RunningSilo.StartAsync(settings);
        var botAgain = new BotClient(second, botToken, "Bot");
        var listed = (await botAgain.GetAsync($"/api/conversations/{dmId}/messages")).Expect(HttpStatusCode.OK).Json.Ids();
        Assert.Equal(sentIds, listed);
        (await new BotClient(second, ownerToken, "Bearer").GetAsync("/api/me")).Expect(HttpStatusCode.OK);
        (await new BotClient(second, null, null).PostAsync("/api/auth/login", new { username = ownerName, password = SiloFixture.Password })).Expect(HttpStatusCode.OK);
        var next = (await botAgain.PostAsync($"/api/conversations/{dmId}/messages", new { text = "after restart" })).Expect(HttpStatusCode.Created).Json.Str("id");
        Assert.True(string.CompareOrdinal(next, sentIds[0]) > 0, $"ids must keep sorting after a restart: {next} <= {sentIds[0]}");
    }
}
