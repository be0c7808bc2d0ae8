namespace Circul.Silo.Tests;

/// <summary>API.md section 3, presence: effective status and who hears about its changes.</summary>
public sealed class PresenceTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task Bot_ThatNeverConnectedNorSetAStatus_IsOffline()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        var seenByOwner = (await owner.GetAsync($"/api/users/{bot.Id}")).Expect(HttpStatusCode.OK).Json;

        Assert.Equal("offline", seenByOwner.Str("status"));
    }

    [Fact]
    public async Task Bot_Connecting_BecomesOnline_AndItsDmPeerGetsStatusChange()
    {
        var (owner, bot) = await OwnerAndBotInDmAsync();
        await using var ownerSocket = await owner.ConnectReadyAsync();

        await using var botSocket = await bot.ConnectReadyAsync();

        var change = await ownerSocket.NextEventAsync("status_change", AboutUser(bot.Id));
        Assert.Equal("online", change.Payload.Str("status"));
        Assert.Equal("online", (await owner.GetAsync($"/api/users/{bot.Id}")).Expect(HttpStatusCode.OK).Json.Str("status"));
    }

    [Fact]
    public async Task PatchStatusBusy_SendsStatusChangeToTheDmPeerAndToTheBotItself()
    {
        var (owner, bot) = await OwnerAndBotInDmAsync();
        await using var botSocket = await bot.ConnectReadyAsync();
        await using var ownerSocket = await owner.ConnectReadyAsync();

        (await bot.PatchAsync("/api/bot/me", new { status = "busy" })).Expect(HttpStatusCode.OK);

        await ownerSocket.NextEventAsync("status_change", e => AboutUser(bot.Id)(e) && e.Payload.Str("status") == "busy", what: "status_change busy for the bot");
        await botSocket.NextEventAsync("status_change", e => AboutUser(bot.Id)(e) && e.Payload.Str("status") == "busy", what: "status_change busy for itself");
    }

    [Fact]
    public async Task LastSocketClosing_MakesTheBotOffline_AndReconnectingRestoresItsChosenStatus()
    {
        var (owner, bot) = await OwnerAndBotInDmAsync();
        (await bot.PatchAsync("/api/bot/me", new { status = "busy" })).Expect(HttpStatusCode.OK);
        await using var ownerSocket = await owner.ConnectReadyAsync();
        var first = await bot.ConnectReadyAsync();
        var second = await bot.ConnectReadyAsync();

        await first.DisposeAsync();
        (await bot.PatchAsync("/api/bot/me", new { mood = "marker-one-socket-left" })).Expect(HttpStatusCode.OK);
        await ownerSocket.AssertNoneBeforeAsync(
            e => e.Type == "status_change" && AboutUser(bot.Id)(e) && e.Payload.Str("status") == "offline",
            "user_updated", e => AboutUser(bot.Id)(e) && e.Payload.Str("mood") == "marker-one-socket-left",
            "offline status_change while one socket is still open");
        await second.DisposeAsync();

        await ownerSocket.NextEventAsync("status_change", e => AboutUser(bot.Id)(e) && e.Payload.Str("status") == "offline", what: "status_change offline after the last socket closed");
        Assert.Equal("offline", (await owner.GetAsync($"/api/users/{bot.Id}")).Expect(HttpStatusCode.OK).Json.Str("status"));

        await using var again = await bot.ConnectReadyAsync();
        await ownerSocket.NextEventAsync("status_change", e => AboutUser(bot.Id)(e) && e.Payload.Str("status") == "busy", what: "status_change back to the chosen 'busy'");
        Assert.Equal("busy", (await owner.GetAsync($"/api/users/{bot.Id}")).Expect(HttpStatusCode.OK).Json.Str("status"));
    }

    [Fact]
    public async Task Bot_ThatNeverSetAStatus_ClosingItsLastSocket_SendsOfflineToItsDmPeer()
    {
        var (owner, bot) = await OwnerAndBotInDmAsync();
        await using var ownerSocket = await owner.ConnectReadyAsync();
        var botSocket = await bot.ConnectReadyAsync();
        await ownerSocket.NextEventAsync("status_change", e => AboutUser(bot.Id)(e) && e.Payload.Str("status") == "online", what: "status_change online");

        await botSocket.DisposeAsync();

        await ownerSocket.NextEventAsync("status_change", e => AboutUser(bot.Id)(e) && e.Payload.Str("status") == "offline", what: "status_change offline after the only socket closed");
        Assert.Equal("offline", (await owner.GetAsync($"/api/users/{bot.Id}")).Expect(HttpStatusCode.OK).Json.Str("status"));
    }

    [Fact]
    public async Task ExplicitOffline_WhileConnected_AppearsOfflineToPeers()
    {
        var (owner, bot) = await OwnerAndBotInDmAsync();
        await using var botSocket = await bot.ConnectReadyAsync();
        await using var ownerSocket = await owner.ConnectReadyAsync();

        (await bot.PatchAsync("/api/bot/me", new { status = "offline" })).Expect(HttpStatusCode.OK);

        await ownerSocket.NextEventAsync("status_change", e => AboutUser(bot.Id)(e) && e.Payload.Str("status") == "offline");
        Assert.Equal("offline", (await owner.GetAsync($"/api/users/{bot.Id}")).Expect(HttpStatusCode.OK).Json.Str("status"));
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, botSocket.State);
        (await bot.PatchAsync("/api/bot/me", new { status = "online" })).Expect(HttpStatusCode.OK);
        await ownerSocket.NextEventAsync("status_change", e => AboutUser(bot.Id)(e) && e.Payload.Str("status") == "online");
    }

    [Fact]
    public async Task ExplicitOffline_IsKeptAcrossReconnects()
    {
        var (owner, bot) = await OwnerAndBotInDmAsync();
        await using var ownerSocket = await owner.ConnectReadyAsync();
        var first = await bot.ConnectReadyAsync();
        await ownerSocket.NextEventAsync("status_change", e => AboutUser(bot.Id)(e) && e.Payload.Str("status") == "online", what: "status_change online on first connect");
        (await bot.PatchAsync("/api/bot/me", new { status = "offline" })).Expect(HttpStatusCode.OK);
        await ownerSocket.NextEventAsync("status_change", e => AboutUser(bot.Id)(e) && e.Payload.Str("status") == "offline", what: "status_change offline when chosen");
        await first.DisposeAsync();

        await using var second = await bot.ConnectAsync();
        var ready = await second.NextEventAsync("ready");
        (await bot.PatchAsync("/api/bot/me", new { mood = "marker-reconnected" })).Expect(HttpStatusCode.OK);

        Assert.Equal("offline", ready.Payload.Prop("user").Str("status"));
        Assert.Equal("offline", (await owner.GetAsync($"/api/users/{bot.Id}")).Expect(HttpStatusCode.OK).Json.Str("status"));
        await ownerSocket.AssertNoneBeforeAsync(
            e => e.Type == "status_change" && AboutUser(bot.Id)(e) && e.Payload.Str("status") != "offline",
            "user_updated", e => AboutUser(bot.Id)(e) && e.Payload.Str("mood") == "marker-reconnected",
            "status_change out of the chosen 'offline'");
    }

    [Fact]
    public async Task Human_PatchingItsStatus_SendsStatusChangeToItsDmPeer()
    {
        var (owner, bot) = await OwnerAndBotInDmAsync();
        await using var botSocket = await bot.ConnectReadyAsync();
        await using var ownerSocket = await owner.ConnectReadyAsync();

        (await owner.PatchAsync("/api/me", new { status = "away" })).Expect(HttpStatusCode.OK);

        await botSocket.NextEventAsync("status_change", e => AboutUser(owner.Id)(e) && e.Payload.Str("status") == "away");
        Assert.Equal("away", (await bot.GetAsync($"/api/users/{owner.Id}")).Expect(HttpStatusCode.OK).Json.Str("status"));
    }

    [Fact]
    public async Task RestOnlyBot_PatchingAStatus_ShowsThatStatusWithoutEverConnecting()
    {
        var (owner, bot) = await OwnerAndBotInDmAsync();
        await using var ownerSocket = await owner.ConnectReadyAsync();

        (await bot.PatchAsync("/api/bot/me", new { status = "away" })).Expect(HttpStatusCode.OK);

        Assert.Equal("away", (await owner.GetAsync($"/api/users/{bot.Id}")).Expect(HttpStatusCode.OK).Json.Str("status"));
        await ownerSocket.NextEventAsync("status_change", e => AboutUser(bot.Id)(e) && e.Payload.Str("status") == "away");
    }

    [Fact]
    public async Task StatusChange_DoesNotReachUsersWhoShareNothingWithTheBot()
    {
        var (_, bot) = await OwnerAndBotInDmAsync();
        var stranger = await NewStrangerAsync();
        await using var strangerSocket = await stranger.Bot.ConnectReadyAsync();

        (await bot.PatchAsync("/api/bot/me", new { status = "busy" })).Expect(HttpStatusCode.OK);
        var marker = await stranger.MarkerAsync();

        await strangerSocket.AssertNoneBeforeAsync(
            e => AboutUser(bot.Id)(e), "message_new", MessageNewWithText(marker), "event about the unrelated bot");
    }

    private async Task<(BotClient Owner, BotClient Bot)> OwnerAndBotInDmAsync()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        await OpenDmAsync(owner, bot);
        return (owner, bot);
    }
}
