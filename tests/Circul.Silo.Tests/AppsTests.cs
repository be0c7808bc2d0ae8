namespace Circul.Silo.Tests;

/// <summary>API.md section 10, REST part: apps are how humans make bots.</summary>
public sealed class AppsTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task CreateApp_Returns201WithBotIdAndBotToken_AndTheTokenActsAsThatBot()
    {
        var owner = await NewHumanAsync();
        var name = SiloFixture.RandomName("b");

        var response = await owner.PostAsync("/api/apps", new { name, description = "does things", redirect_uris = new[] { "https://example.com/cb" } });

        var json = response.Expect(HttpStatusCode.Created).Json;
        var token = json.Str("token");
        Assert.StartsWith("cb_", token, StringComparison.Ordinal);
        Assert.True(token.Length >= 3 + 40, $"a token with 32 bytes of entropy is longer than '{token}'");
        var app = json.Prop("app");
        var appId = app.Str("id");
        Assert.StartsWith("bot-", appId, StringComparison.Ordinal);
        Assert.Equal(name, app.Str("name"));
        var me = (await Fixture.WithToken(token, "Bot").GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json;
        ContractShapes.AssertUser(me);
        Assert.Equal(appId, me.Str("id"));
        Assert.True(me.Bool("is_bot"));
        Assert.Equal(owner.Id, me.Str("owner_id"));
        Assert.Equal(name, me.Str("name"));
    }

    [Fact]
    public async Task CreateApp_WithoutName_Returns400AndCreatesNothing()
    {
        var owner = await NewHumanAsync();

        var response = await owner.PostAsync("/api/apps", new { description = "nameless" });

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Empty((await owner.GetAsync("/api/apps")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Fact]
    public async Task CreateApp_WithNameOver100Characters_Returns400()
    {
        var owner = await NewHumanAsync();

        var response = await owner.PostAsync("/api/apps", new { name = new string('x', 101) });

        response.ExpectError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ListApps_ReturnsTheCallersAppsOnly()
    {
        var owner = await NewHumanAsync();
        var other = await NewHumanAsync();
        var first = await NewBotAsync(owner);
        var second = await NewBotAsync(owner);
        var foreign = await NewBotAsync(other);

        var list = (await owner.GetAsync("/api/apps")).Expect(HttpStatusCode.OK).Json.Ids();

        Assert.Equal(new[] { first.Id, second.Id }.Order(), list.Order());
        Assert.DoesNotContain(foreign.Id, list);
    }

    [Fact]
    public async Task GetApp_ReturnsTheAppWithoutItsToken()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        var response = await owner.GetAsync($"/api/apps/{bot.Id}");

        var app = response.Expect(HttpStatusCode.OK).Json;
        Assert.Equal(bot.Id, app.Str("id"));
        Assert.Equal(bot.Name, app.Str("name"));
        Assert.DoesNotContain(bot.Token!, response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PatchApp_ChangesNameAndDescription()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        var name = SiloFixture.RandomName("renamed");

        var response = await owner.PatchAsync($"/api/apps/{bot.Id}", new { name, description = "new description" });

        var app = response.Expect(HttpStatusCode.OK).Json;
        Assert.Equal(name, app.Str("name"));
        Assert.Equal("new description", app.Str("description"));
        var again = (await owner.GetAsync($"/api/apps/{bot.Id}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(name, again.Str("name"));
    }

    [Fact]
    public async Task DeleteApp_Returns204_ThenTheAppIsGoneFromGetAndList()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        var response = await owner.DeleteAsync($"/api/apps/{bot.Id}");

        response.Expect(HttpStatusCode.NoContent);
        (await owner.GetAsync($"/api/apps/{bot.Id}")).ExpectError(HttpStatusCode.NotFound);
        Assert.DoesNotContain(bot.Id, (await owner.GetAsync("/api/apps")).Expect(HttpStatusCode.OK).Json.Ids());
    }

    [Fact]
    public async Task DeleteApp_RevokesTheBotsToken()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        (await owner.DeleteAsync($"/api/apps/{bot.Id}")).Expect(HttpStatusCode.NoContent);

        (await bot.GetAsync("/api/me")).ExpectError(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ResetToken_ReturnsANewWorkingToken_AndTheOldOneIs401AtOnce()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        var oldToken = bot.Token;

        var response = await owner.PostAsync($"/api/apps/{bot.Id}/token/reset");

        var newToken = response.Expect(HttpStatusCode.OK).Json.Str("token");
        Assert.StartsWith("cb_", newToken, StringComparison.Ordinal);
        Assert.NotEqual(oldToken, newToken);
        (await Fixture.WithToken(oldToken, "Bot").GetAsync("/api/me")).ExpectError(HttpStatusCode.Unauthorized);
        var me = (await Fixture.WithToken(newToken, "Bot").GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(bot.Id, me.Str("id"));
    }

    [Fact]
    public async Task ResetToken_ClosesTheOldTokensSocketsWith4001()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        await using var first = await bot.ConnectReadyAsync();
        await using var second = await bot.ConnectReadyAsync();

        (await owner.PostAsync($"/api/apps/{bot.Id}/token/reset")).Expect(HttpStatusCode.OK);

        await first.ExpectCloseAsync(4001);
        await second.ExpectCloseAsync(4001);
        var refused = await Assert.ThrowsAsync<GatewayConnectException>(() => bot.ConnectAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
    }

    [Fact]
    public async Task Bot_CallingTheAppsApi_Gets403()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        (await bot.GetAsync("/api/apps")).ExpectError(HttpStatusCode.Forbidden);
        (await bot.PostAsync("/api/apps", new { name = SiloFixture.RandomName("b") })).ExpectError(HttpStatusCode.Forbidden);
        (await bot.GetAsync($"/api/apps/{bot.Id}")).ExpectError(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnotherHumansApp_Is404ForGetPatchDeleteAndReset_AndStaysIntact()
    {
        var owner = await NewHumanAsync();
        var intruder = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        (await intruder.GetAsync($"/api/apps/{bot.Id}")).ExpectError(HttpStatusCode.NotFound);
        (await intruder.PatchAsync($"/api/apps/{bot.Id}", new { name = "stolen" })).ExpectError(HttpStatusCode.NotFound);
        (await intruder.PostAsync($"/api/apps/{bot.Id}/token/reset")).ExpectError(HttpStatusCode.NotFound);
        (await intruder.DeleteAsync($"/api/apps/{bot.Id}")).ExpectError(HttpStatusCode.NotFound);

        var app = (await owner.GetAsync($"/api/apps/{bot.Id}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(bot.Name, app.Str("name"));
        (await bot.GetAsync("/api/me")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task UnknownApp_Is404()
    {
        var owner = await NewHumanAsync();

        (await owner.GetAsync("/api/apps/bot-doesnotexist")).ExpectError(HttpStatusCode.NotFound);
    }
}
