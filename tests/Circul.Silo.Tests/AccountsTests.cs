namespace Circul.Silo.Tests;

/// <summary>API.md section 2 (and the auth rules of section 1).</summary>
public sealed class AccountsTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task Register_WithNewName_Returns201WithHumanUserAndWorkingSessionToken()
    {
        var name = SiloFixture.RandomName("h");

        var response = await Fixture.Anonymous().PostAsync("/api/auth/register", new { username = name, password = SiloFixture.Password });

        var json = response.Expect(HttpStatusCode.Created).Json;
        var token = json.Str("token");
        Assert.StartsWith("cu_", token, StringComparison.Ordinal);
        Assert.True(token.Length >= 3 + 40, $"a token with 32 bytes of entropy is longer than '{token}'");
        var user = json.Prop("user");
        ContractShapes.AssertUser(user);
        Assert.Equal(name, user.Str("name"));
        Assert.False(user.Bool("is_bot"));
        var me = await Fixture.WithToken(token, "Bearer").GetAsync("/api/me");
        Assert.Equal(user.Str("id"), me.Expect(HttpStatusCode.OK).Json.Str("id"));
    }

    [Fact]
    public async Task Register_TwoUsers_GetDifferentIdsAndTokens()
    {
        var first = await NewHumanAsync();
        var second = await NewHumanAsync();

        Assert.NotEqual(first.Id, second.Id);
        Assert.NotEqual(first.Token, second.Token);
    }

    [Fact]
    public async Task Register_WithTakenName_Returns409()
    {
        var existing = await NewHumanAsync();

        var response = await Fixture.Anonymous().PostAsync("/api/auth/register", new { username = existing.Name, password = "another-password" });

        response.ExpectError(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Register_WithSevenCharacterPassword_Returns400NamingThePassword()
    {
        var name = SiloFixture.RandomName("h");

        var response = await Fixture.Anonymous().PostAsync("/api/auth/register", new { username = name, password = "1234567" });

        var error = response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Contains("password", error, StringComparison.OrdinalIgnoreCase);
        var login = await Fixture.Anonymous().PostAsync("/api/auth/login", new { username = name, password = "1234567" });
        login.ExpectError(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Register_WithEightCharacterPassword_Succeeds()
    {
        var response = await Fixture.Anonymous().PostAsync("/api/auth/register", new { username = SiloFixture.RandomName("h"), password = "12345678" });

        response.Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Register_WithoutUsername_Returns400()
    {
        var response = await Fixture.Anonymous().PostAsync("/api/auth/register", new { password = SiloFixture.Password });

        response.ExpectError(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task Register_WithNameLengthOutside1To100_Returns400(int length)
    {
        var name = new string('n', length);

        var response = await Fixture.Anonymous().PostAsync("/api/auth/register", new { username = name, password = SiloFixture.Password });

        response.ExpectError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Login_WithRightPassword_Returns200WithAnotherWorkingToken()
    {
        var human = await NewHumanAsync();

        var response = await Fixture.Anonymous().PostAsync("/api/auth/login", new { username = human.Name, password = SiloFixture.Password });

        var json = response.Expect(HttpStatusCode.OK).Json;
        var token = json.Str("token");
        Assert.StartsWith("cu_", token, StringComparison.Ordinal);
        Assert.NotEqual(human.Token, token);
        Assert.Equal(human.Id, json.Prop("user").Str("id"));
        (await Fixture.WithToken(token, "Bearer").GetAsync("/api/me")).Expect(HttpStatusCode.OK);
        (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Login_WithWrongPasswordOrUnknownUser_Returns401WithTheSameMessage()
    {
        var human = await NewHumanAsync();

        var wrongPassword = await Fixture.Anonymous().PostAsync("/api/auth/login", new { username = human.Name, password = "not-the-password" });
        var unknownUser = await Fixture.Anonymous().PostAsync("/api/auth/login", new { username = SiloFixture.RandomName("nobody"), password = "not-the-password" });

        var first = wrongPassword.ExpectError(HttpStatusCode.Unauthorized);
        var second = unknownUser.ExpectError(HttpStatusCode.Unauthorized);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Logout_Returns204_ThenThatTokenIs401_ButOtherSessionsStillWork()
    {
        var human = await NewHumanAsync();
        var login = await Fixture.Anonymous().PostAsync("/api/auth/login", new { username = human.Name, password = SiloFixture.Password });
        var otherSession = Fixture.WithToken(login.Expect(HttpStatusCode.OK).Json.Str("token"), "Bearer");

        var logout = await human.PostAsync("/api/auth/logout");

        logout.Expect(HttpStatusCode.NoContent);
        (await human.GetAsync("/api/me")).ExpectError(HttpStatusCode.Unauthorized);
        (await otherSession.GetAsync("/api/me")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Logout_ClosesThatSessionsSocketsWith4001_AndKeepsOtherSessionsSocketsOpen()
    {
        var human = await NewHumanAsync();
        var login = await Fixture.Anonymous().PostAsync("/api/auth/login", new { username = human.Name, password = SiloFixture.Password });
        var otherSession = Fixture.WithToken(login.Expect(HttpStatusCode.OK).Json.Str("token"), "Bearer");
        otherSession.SetUser(human.User);
        await using var doomed = await human.ConnectReadyAsync();
        await using var survivor = await otherSession.ConnectReadyAsync();

        (await human.PostAsync("/api/auth/logout")).Expect(HttpStatusCode.NoContent);

        await doomed.ExpectCloseAsync(4001);
        var refused = await Assert.ThrowsAsync<GatewayConnectException>(() => human.ConnectAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        var mood = "still-here-" + Guid.NewGuid().ToString("N")[..6];
        (await otherSession.PatchAsync("/api/me", new { mood })).Expect(HttpStatusCode.OK);
        await survivor.NextEventAsync("user_updated", e => e.Payload.Str("id") == human.Id && e.Payload.Str("mood") == mood);
        Assert.Null(survivor.CloseCode);
    }

    [Fact]
    public async Task BotToken_SentAsBearer_Returns401()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        var response = await bot.WithScheme("Bearer").GetAsync("/api/me");

        response.ExpectError(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task HumanToken_SentAsBot_Returns401()
    {
        var human = await NewHumanAsync();

        var response = await human.WithScheme("Bot").GetAsync("/api/me");

        response.ExpectError(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("Bearer", "cu_not-a-real-token-0000000000000000000000000")]
    [InlineData("Bot", "cb_not-a-real-token-0000000000000000000000000")]
    [InlineData("Basic", "dXNlcjpwYXNz")]
    public async Task Request_WithMissingOrUnknownToken_Returns401WithErrorBody(string? scheme, string? token)
    {
        var response = await Fixture.WithToken(token, scheme).GetAsync("/api/me");

        response.ExpectError(HttpStatusCode.Unauthorized);
    }
}
