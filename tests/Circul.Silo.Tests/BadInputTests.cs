namespace Circul.Silo.Tests;

/// <summary>API.md section 1: every bad request is a JSON error with the right status, and writes nothing.</summary>
public sealed class BadInputTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Theory]
    [InlineData("""{"text": "unterminated""")]
    [InlineData("""{text: 'single quotes'}""")]
    [InlineData("not json at all")]
    [InlineData("""{"text": "a"} trailing""")]
    public async Task SendMessage_WithMalformedJson_Returns400JsonAndWritesNothing(string body)
    {
        var world = await NewBotsInDmAsync();

        var response = await world.A.SendRawAsync(HttpMethod.Post, $"/api/conversations/{world.DmId}/messages", body);

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Empty(await ListAsync(world.A, world.DmId));
    }

    [Theory]
    [InlineData("""{"text": 5}""")]
    [InlineData("""{"text": ["a"]}""")]
    [InlineData("""{"text": "ok", "bold": "yes"}""")]
    [InlineData("""{"text": "ok", "mentions": "bot-1"}""")]
    [InlineData("""{"text": "ok", "mentions": [1, 2]}""")]
    [InlineData("""{"text": "ok", "reply_to_id": 7}""")]
    public async Task SendMessage_WithAFieldOfTheWrongType_Returns400AndWritesNothing(string body)
    {
        var world = await NewBotsInDmAsync();

        var response = await world.A.SendRawAsync(HttpMethod.Post, $"/api/conversations/{world.DmId}/messages", body);

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Empty(await ListAsync(world.A, world.DmId));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("""{"bold": true}""")]
    public async Task SendMessage_WithoutText_Returns400AndWritesNothing(string body)
    {
        var world = await NewBotsInDmAsync();

        var response = await world.A.SendRawAsync(HttpMethod.Post, $"/api/conversations/{world.DmId}/messages", body);

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Empty(await ListAsync(world.A, world.DmId));
    }

    [Fact]
    public async Task SendMessage_WithNoBodyAtAll_Returns400()
    {
        var world = await NewBotsInDmAsync();

        var response = await world.A.PostAsync($"/api/conversations/{world.DmId}/messages");

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Empty(await ListAsync(world.A, world.DmId));
    }

    [Fact]
    public async Task SendMessage_WithABodyOver1MiB_Returns413JsonAndWritesNothing()
    {
        var world = await NewBotsInDmAsync();
        var body = JsonSerializer.Serialize(new { text = "x", padding = new string('p', 1024 * 1024 + 16) });

        var response = await world.A.SendRawAsync(HttpMethod.Post, $"/api/conversations/{world.DmId}/messages", body);

        response.ExpectError(HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(await ListAsync(world.A, world.DmId));
    }

    [Fact]
    public async Task PatchMe_WithABodyOver1MiB_Returns413AndChangesNothing()
    {
        var human = await NewHumanAsync();
        var body = JsonSerializer.Serialize(new { bio = new string('b', 1024 * 1024 + 16) });

        var response = await human.SendRawAsync(HttpMethod.Patch, "/api/me", body);

        response.ExpectError(HttpStatusCode.RequestEntityTooLarge);
        var bio = (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json.Prop("bio");
        Assert.True(bio.ValueKind == JsonValueKind.Null || bio.GetString()!.Length < 1000);
    }

    [Fact]
    public async Task Register_WithMalformedJson_Returns400Json()
    {
        var response = await Fixture.Anonymous().SendRawAsync(HttpMethod.Post, "/api/auth/register", "{\"username\": ");

        response.ExpectError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Register_WithWrongTypes_Returns400Json()
    {
        var response = await Fixture.Anonymous().SendRawAsync(HttpMethod.Post, "/api/auth/register", """{"username": 42, "password": true}""");

        response.ExpectError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task OpenDm_WithMalformedJson_Returns400JsonAndOpensNothing()
    {
        var human = await NewHumanAsync();

        var response = await human.SendRawAsync(HttpMethod.Post, "/api/conversations", "{\"peer_id\": [");

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Empty((await human.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Fact]
    public async Task CreateGroup_WithMemberIdsOfTheWrongType_Returns400AndCreatesNothing()
    {
        var human = await NewHumanAsync();

        var response = await human.SendRawAsync(HttpMethod.Post, "/api/groups", """{"name": "g", "member_ids": "everyone"}""");

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Empty((await human.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Fact]
    public async Task EditMessage_WithWrongType_Returns400AndKeepsTheText()
    {
        var world = await NewBotsInDmAsync();
        var message = await SendAsync(world.A, world.DmId, "original");

        var response = await world.A.SendRawAsync(HttpMethod.Patch, $"/api/messages/{message.Str("id")}", """{"text": false}""");

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Equal("original", Assert.Single(await ListAsync(world.A, world.DmId)).Str("text"));
    }

    [Fact]
    public async Task PatchMe_WithInvalidUtf8InAString_Returns400NamingTheBodyAndChangesNothing()
    {
        var human = await NewHumanAsync();
        (await human.PatchAsync("/api/me", new { bio = "before" })).Expect(HttpStatusCode.OK);

        var response = await human.SendBytesAsync(HttpMethod.Patch, "/api/me", WithInvalidUtf8("""{"name":"renamed","bio":"x""", "\"}"));

        Assert.Contains("JSON body", response.ExpectError(HttpStatusCode.BadRequest), StringComparison.Ordinal);
        var me = (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(human.Name, me.Str("name"));
        Assert.Equal("before", me.Str("bio"));
    }

    [Fact]
    public async Task Register_WithInvalidUtf8InAString_Returns400NamingTheBodyAndCreatesNoAccount()
    {
        var name = SiloFixture.RandomName("h");

        var response = await Fixture.Anonymous().SendBytesAsync(
            HttpMethod.Post, "/api/auth/register", WithInvalidUtf8($$"""{"username":"{{name}}","password":"correct-horse""", "\"}"));

        Assert.Contains("JSON body", response.ExpectError(HttpStatusCode.BadRequest), StringComparison.Ordinal);
        (await Fixture.Anonymous().PostAsync("/api/auth/register", new { username = name, password = SiloFixture.Password }))
            .Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task CreatePanel_WithInvalidUtf8InAString_Returns400NamingTheBodyAndCreatesNothing()
    {
        var human = await NewHumanAsync();

        var response = await human.SendBytesAsync(HttpMethod.Post, "/api/panels", WithInvalidUtf8("""{"name":"panel""", "\"}"));

        Assert.Contains("JSON body", response.ExpectError(HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Empty((await human.GetAsync("/api/panels")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Fact]
    public async Task SendMessage_WithInvalidUtf8InAString_Returns400NamingTheBodyAndWritesNothing()
    {
        var world = await NewBotsInDmAsync();

        var response = await world.A.SendBytesAsync(
            HttpMethod.Post, $"/api/conversations/{world.DmId}/messages", WithInvalidUtf8("""{"text":"hello""", "\"}"));

        Assert.Contains("JSON body", response.ExpectError(HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Empty(await ListAsync(world.A, world.DmId));
    }

    [Theory]
    [InlineData("/api/nope")]
    [InlineData("/api/conversations/c-1/nope")]
    [InlineData("/api/v2/me")]
    public async Task UnknownApiRoute_Returns404WithJsonErrorBody(string path)
    {
        var human = await NewHumanAsync();

        var response = await human.GetAsync(path);

        response.ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UnknownApiRoute_WithPost_Returns404WithJsonErrorBody()
    {
        var human = await NewHumanAsync();

        var response = await human.PostAsync("/api/does/not/exist", new { a = 1 });

        response.ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ErrorBodies_AreNeverHtmlOrStackTraces()
    {
        var world = await NewBotsInDmAsync();

        var responses = new[]
        {
            await world.A.SendRawAsync(HttpMethod.Post, $"/api/conversations/{world.DmId}/messages", "{"),
            await world.A.GetAsync("/api/nope"),
            await Fixture.Anonymous().GetAsync("/api/me"),
            await world.A.GetAsync("/api/conversations/c-doesnotexist"),
        };

        foreach (var response in responses)
        {
            Assert.DoesNotContain("<html", response.Text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("   at ", response.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", response.Text, StringComparison.Ordinal);
            response.ExpectError(response.Status);
        }
    }

    [Fact]
    public async Task WrongVerbOnAnApiRoute_AnswersAJsonError()
    {
        var human = await NewHumanAsync();

        var response = await human.PutAsync("/api/me", new { name = "x" });

        response.ExpectOneOf(HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed);
        response.ExpectError(response.Status);
    }

    [Fact]
    public async Task UnknownApiRoute_WithoutAToken_AnswersAJsonError()
    {
        var response = await Fixture.Anonymous().GetAsync("/api/nope");

        response.ExpectOneOf(HttpStatusCode.NotFound, HttpStatusCode.Unauthorized);
        response.ExpectError(response.Status);
    }

    /// <summary><paramref name="before"/>, a lone UTF-8 lead byte (0xC3 with no continuation), then <paramref name="after"/>.</summary>
    private static byte[] WithInvalidUtf8(string before, string after) =>
        [.. System.Text.Encoding.UTF8.GetBytes(before), 0xC3, .. System.Text.Encoding.UTF8.GetBytes(after)];
}
