using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Circul.Silo.Tests.Webhooks;

/// <summary>API keys and the consumer API (API section 11): shapes, every validation rule with its text, the seed's
/// conflict message, 401 forms and another owner's 404.</summary>
public sealed class ConsumerApiTests(WebhookSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<WebhookSiloFixture>
{
    private const string Url = "https://example.com/hook";

    private const string ConflictMessage =
        "Error: Bots cannot be configured to trigger on every message when message visibility is set to private. Either change the bot trigger to \"mention\" or set the message visibility to \"public\".";

    // ------------------------------------------------------------------ keys

    [Fact]
    public async Task ApiKey_IsShownOnce_WithPrefix_AndStoredOnlyAsItsHash()
    {
        var owner = await NewHumanAsync();
        var created = (await owner.PostAsync("/api/keys", new { name = "ci" })).Expect(HttpStatusCode.Created).Json;
        var key = created.Str("key");
        Assert.StartsWith("ck_", key);
        Assert.True(key.Length >= 3 + 43, key);
        Assert.Equal("ci", created.Str("name"));

        var listed = (await owner.GetAsync("/api/keys")).Expect(HttpStatusCode.OK).Json.Items();
        var only = Assert.Single(listed);
        Assert.Equal(created.Str("id"), only.Str("id"));
        Assert.False(only.Has("key"), only.GetRawText());
        Assert.DoesNotContain(key, only.GetRawText());

        await using var db = await OpenDatabaseAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT hash FROM api_keys WHERE id = $id";
        command.Parameters.AddWithValue("$id", created.Str("id"));
        var hash = (string)(await command.ExecuteScalarAsync())!;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), hash);
        command.CommandText = "SELECT COUNT(*) FROM api_keys WHERE hash = $key OR name = $key OR id = $key";
        command.Parameters.AddWithValue("$key", key);
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task ApiKeys_AreForHumansOnly_AndDeletedKeysStopWorking()
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        var bot = await NewBotAsync(consumer.Owner);
        Assert.Equal(HttpStatusCode.Forbidden, (await bot.PostAsync("/api/keys", new { name = "x" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await bot.GetAsync("/api/keys")).Status);
        (await consumer.Owner.PostAsync("/api/keys", new { name = "" })).ExpectError(HttpStatusCode.BadRequest);

        (await consumer.SendAsync(HttpMethod.Get, "/bots")).Expect(HttpStatusCode.OK);
        var stranger = await NewHumanAsync();
        (await stranger.DeleteAsync($"/api/keys/{consumer.KeyId}")).ExpectError(HttpStatusCode.NotFound);
        (await consumer.Owner.DeleteAsync($"/api/keys/{consumer.KeyId}")).Expect(HttpStatusCode.NoContent);
        AssertUnauthorized(await consumer.SendAsync(HttpMethod.Get, "/bots"));
        (await consumer.Owner.DeleteAsync($"/api/keys/{consumer.KeyId}")).ExpectError(HttpStatusCode.NotFound);
    }

    // ------------------------------------------------------------------ 401

    [Fact]
    public async Task EveryRoute_WithoutAValidKey_Answers401_InTheConsumerShape()
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        var bot = await consumer.CreateBotAsync(new { name = "b", webhookURL = Url });
        var id = bot.Str("_id");
        var anonymous = Fixture.Anonymous();
        var routes = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Post, "/bot"), (HttpMethod.Get, "/bots"), (HttpMethod.Get, $"/bot/{id}"), (HttpMethod.Patch, $"/bot/{id}"),
            (HttpMethod.Delete, $"/bot/{id}"), (HttpMethod.Post, $"/bot/{id}/rooms/c-x"), (HttpMethod.Delete, $"/bot/{id}/rooms/c-x"),
            (HttpMethod.Get, $"/bot/{id}/deliveries"),
        };
        foreach (var (method, path) in routes)
        {
            AssertUnauthorized(await anonymous.SendAsync(method, Consumer.Prefix + path, new { name = "b", webhookURL = Url }));
            AssertUnauthorized(await anonymous.SendAsync(method, Consumer.Prefix + path, new { name = "b", webhookURL = Url },
                new Dictionary<string, string> { ["auth"] = "ck_unknownunknownunknownunknownunknownunknown" }));
            AssertUnauthorized(await anonymous.SendAsync(method, Consumer.Prefix + path + "?auth=ck_nope", new { name = "b", webhookURL = Url }));
            // A session token is not an API key.
            AssertUnauthorized(await anonymous.SendAsync(method, Consumer.Prefix + path, new { name = "b", webhookURL = Url },
                new Dictionary<string, string> { ["auth"] = consumer.Owner.Token! }));
        }

        // Still there: nothing above changed anything.
        (await consumer.SendAsync(HttpMethod.Get, $"/bot/{id}")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Key_InTheQuery_IsAccepted()
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        var response = await Fixture.Anonymous().PostAsync($"{Consumer.Prefix}/bot?auth={Uri.EscapeDataString(consumer.Key)}", new { name = "q", webhookURL = Url });
        var json = response.Expect(HttpStatusCode.OK).Json;
        Assert.True(json.Bool("success"));
        var list = (await Fixture.Anonymous().GetAsync($"{Consumer.Prefix}/bots?auth={Uri.EscapeDataString(consumer.Key)}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal([json.Prop("bot").Str("_id")], list.Items("bots").Select(b => b.Str("_id")));
    }

    // ------------------------------------------------------------------ create

    [Fact]
    public async Task CreateBot_AnswersTheContractShape_WithDefaults_AndMakesACirculBot()
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        var response = await consumer.SendAsync(HttpMethod.Post, "/bot", new { name = "  Helper  ", webhookURL = Url, unknownField = 5 });
        var json = response.Expect(HttpStatusCode.OK).Json;
        Assert.True(json.Bool("success"));
        var bot = json.Prop("bot");
        Assert.StartsWith("bot-", bot.Str("_id"));
        Assert.Equal("Helper", bot.Str("name"));
        Assert.Equal("", bot.Str("description"));
        Assert.Equal("mention", bot.Str("trigger"));
        Assert.Equal("public", bot.Str("messageVisibility"));
        Assert.False(bot.Bool("isAllowedInAllChatRooms"));
        Assert.Equal(10, bot.Long("messageHistoryLimit"));
        Assert.Equal(Url, bot.Str("webhookURL"));
        Assert.Equal(JsonValueKind.Null, bot.Prop("metadata").ValueKind);
        Assert.True(bot.Bool("enabled"));
        Assert.StartsWith("cs_", bot.Str("signingSecret"));
        Assert.EndsWith("Z", bot.Str("createdAt"));

        // The secret is shown in the create answer only.
        var got = (await consumer.SendAsync(HttpMethod.Get, $"/bot/{bot.Str("_id")}")).Expect(HttpStatusCode.OK).Json.Prop("bot");
        Assert.False(got.Has("signingSecret"), got.GetRawText());
        Assert.Equal("Helper", got.Str("name"));

        // A webhook bot is a Circul bot of the key's owner.
        var apps = (await consumer.Owner.GetAsync("/api/apps")).Expect(HttpStatusCode.OK).Json.Items();
        Assert.Contains(apps, a => a.Str("id") == bot.Str("_id") && a.Str("name") == "Helper");
    }

    [Fact]
    public async Task CreateBot_WithEveryField_KeepsThem()
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        var bot = await consumer.CreateBotAsync(new
        {
            name = "Full", description = "does things", trigger = "message", messageVisibility = "public", isAllowedInAllChatRooms = true,
            messageHistoryLimit = 0, webhookURL = "http://hooks.example.org:8080/x?y=1", metadata = "{\"team\":\"a\"}", enabled = false,
        });
        Assert.Equal("does things", bot.Str("description"));
        Assert.Equal("message", bot.Str("trigger"));
        Assert.True(bot.Bool("isAllowedInAllChatRooms"));
        Assert.Equal(0, bot.Long("messageHistoryLimit"));
        Assert.Equal("http://hooks.example.org:8080/x?y=1", bot.Str("webhookURL"));
        Assert.Equal("{\"team\":\"a\"}", bot.Str("metadata"));
        Assert.False(bot.Bool("enabled"));
    }

    public static TheoryData<string, string> InvalidBodies()
    {
        var longName = new string('n', 101);
        var longDescription = new string('d', 1001);
        var longUrl = "https://example.com/" + new string('u', 2048);
        var longMetadata = JsonSerializer.Serialize(new string('m', 9999)); // 10001 characters of valid JSON
        const string u = "\"webhookURL\":\"https://example.com/hook\"";
        return new TheoryData<string, string>
        {
            { "[1]", "body must be a JSON object" },
            { "{", "body must be valid JSON" },
            { $"{{{u}}}", "name is required" },
            { $"{{\"name\":5,{u}}}", "name must be a string" },
            { $"{{\"name\":null,{u}}}", "name must be a string" },
            { $"{{\"name\":\"\",{u}}}", "name must be 1..100 characters" },
            { $"{{\"name\":\"   \",{u}}}", "name must be 1..100 characters" },
            { $"{{\"name\":\"{longName}\",{u}}}", "name must be 1..100 characters" },
            { $"{{\"name\":\"a\\nb\",{u}}}", "name must not contain control characters" },
            { $"{{\"name\":\"b\",\"description\":7,{u}}}", "description must be a string" },
            { $"{{\"name\":\"b\",\"description\":\"{longDescription}\",{u}}}", "description must be at most 1000 characters" },
            { $"{{\"name\":\"b\",\"trigger\":\"always\",{u}}}", "trigger must be \"message\" or \"mention\"" },
            { $"{{\"name\":\"b\",\"trigger\":1,{u}}}", "trigger must be a string" },
            { $"{{\"name\":\"b\",\"messageVisibility\":\"secret\",{u}}}", "messageVisibility must be \"public\" or \"private\"" },
            { $"{{\"name\":\"b\",\"messageVisibility\":true,{u}}}", "messageVisibility must be a string" },
            { $"{{\"name\":\"b\",\"isAllowedInAllChatRooms\":\"yes\",{u}}}", "isAllowedInAllChatRooms must be a boolean" },
            { $"{{\"name\":\"b\",\"isAllowedInAllChatRooms\":1,{u}}}", "isAllowedInAllChatRooms must be a boolean" },
            { $"{{\"name\":\"b\",\"messageHistoryLimit\":-1,{u}}}", "messageHistoryLimit must be an integer from 0 to 100" },
            { $"{{\"name\":\"b\",\"messageHistoryLimit\":101,{u}}}", "messageHistoryLimit must be an integer from 0 to 100" },
            { $"{{\"name\":\"b\",\"messageHistoryLimit\":1.5,{u}}}", "messageHistoryLimit must be an integer from 0 to 100" },
            { $"{{\"name\":\"b\",\"messageHistoryLimit\":\"10\",{u}}}", "messageHistoryLimit must be a number" },
            { "{\"name\":\"b\"}", "webhookURL is required" },
            { "{\"name\":\"b\",\"webhookURL\":5}", "webhookURL must be a string" },
            { "{\"name\":\"b\",\"webhookURL\":\"/relative/path\"}", "webhookURL must be an absolute http or https URI" },
            { "{\"name\":\"b\",\"webhookURL\":\"example.com/hook\"}", "webhookURL must be an absolute http or https URI" },
            { "{\"name\":\"b\",\"webhookURL\":\"ftp://example.com/hook\"}", "webhookURL must be an absolute http or https URI" },
            { "{\"name\":\"b\",\"webhookURL\":\"mailto:a@example.com\"}", "webhookURL must be an absolute http or https URI" },
            { "{\"name\":\"b\",\"webhookURL\":\"not a url\"}", "webhookURL must be an absolute http or https URI" },
            { $"{{\"name\":\"b\",\"webhookURL\":\"{longUrl}\"}}", "webhookURL must be at most 2048 characters" },
            { $"{{\"name\":\"b\",\"metadata\":{{\"a\":1}},{u}}}", "metadata must be a string" },
            { $"{{\"name\":\"b\",\"metadata\":\"{{not json\",{u}}}", "metadata must be a string of valid JSON" },
            { $"{{\"name\":\"b\",\"metadata\":{JsonSerializer.Serialize(longMetadata)},{u}}}", "metadata must be at most 10000 characters" },
            { $"{{\"name\":\"b\",\"enabled\":\"true\",{u}}}", "enabled must be a boolean" },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task CreateBot_WithAnInvalidField_Answers400_NamingIt_AndCreatesNothing(string body, string error)
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        var response = await consumer.SendRawAsync(HttpMethod.Post, "/bot", body);
        AssertInvalid(response, error);
        Assert.Empty((await consumer.SendAsync(HttpMethod.Get, "/bots")).Expect(HttpStatusCode.OK).Json.Items("bots"));
        Assert.Empty((await consumer.Owner.GetAsync("/api/apps")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Fact]
    public async Task CreateBot_TriggerMessage_WithPrivateVisibility_AnswersTheSeedsConflictMessage()
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        var response = await consumer.SendAsync(HttpMethod.Post, "/bot", new { name = "b", webhookURL = Url, trigger = "message", messageVisibility = "private" });
        AssertConflict(response);
        Assert.Empty((await consumer.SendAsync(HttpMethod.Get, "/bots")).Expect(HttpStatusCode.OK).Json.Items("bots"));

        // Either half alone is fine.
        await consumer.CreateBotAsync(new { name = "m", webhookURL = Url, trigger = "message" });
        await consumer.CreateBotAsync(new { name = "p", webhookURL = Url, messageVisibility = "private" });
    }

    // ------------------------------------------------------------------ patch

    [Fact]
    public async Task Patch_ChangesOnlyThePresentFields()
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        var id = (await consumer.CreateBotAsync(new { name = "before", webhookURL = Url, metadata = "[1]" })).Str("_id");
        var patched = (await consumer.SendAsync(HttpMethod.Patch, $"/bot/{id}", new { name = "after", trigger = "message", messageHistoryLimit = 3 }))
            .Expect(HttpStatusCode.OK).Json.Prop("bot");
        Assert.Equal("after", patched.Str("name"));
        Assert.Equal("message", patched.Str("trigger"));
        Assert.Equal(3, patched.Long("messageHistoryLimit"));
        Assert.Equal("[1]", patched.Str("metadata"));
        Assert.Equal(Url, patched.Str("webhookURL"));

        var got = (await consumer.SendAsync(HttpMethod.Get, $"/bot/{id}")).Expect(HttpStatusCode.OK).Json.Prop("bot");
        Assert.Equal(patched.GetRawText(), got.GetRawText());
        var app = (await consumer.Owner.GetAsync($"/api/apps/{id}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("after", app.Str("name"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("99999999999")]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    public async Task Deliveries_WithALimitThatIsNotAnIntegerFrom1To100_Answers400NamingIt(string limit)
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        var id = (await consumer.CreateBotAsync(new { name = "limits", webhookURL = Url })).Str("_id");
        AssertInvalid(await consumer.SendAsync(HttpMethod.Get, $"/bot/{id}/deliveries?limit={Uri.EscapeDataString(limit)}"),
            "limit must be an integer from 1 to 100");
        (await consumer.SendAsync(HttpMethod.Get, $"/bot/{id}/deliveries?limit=100")).Expect(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("{\"messageHistoryLimit\":500}", "messageHistoryLimit must be an integer from 0 to 100")]
    [InlineData("{\"webhookURL\":\"gopher://x\"}", "webhookURL must be an absolute http or https URI")]
    [InlineData("{\"enabled\":null}", "enabled must be a boolean")]
    [InlineData("{\"name\":\"\"}", "name must be 1..100 characters")]
    [InlineData("{\"metadata\":\"{\"}", "metadata must be a string of valid JSON")]
    [InlineData("\"x\"", "body must be a JSON object")]
    public async Task Patch_WithAnInvalidField_Answers400_AndChangesNothing(string body, string error)
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        var before = await consumer.CreateBotAsync(new { name = "keep", webhookURL = Url });
        var id = before.Str("_id");
        AssertInvalid(await consumer.SendRawAsync(HttpMethod.Patch, $"/bot/{id}", body), error);
        var after = (await consumer.SendAsync(HttpMethod.Get, $"/bot/{id}")).Expect(HttpStatusCode.OK).Json.Prop("bot");
        Assert.Equal("keep", after.Str("name"));
        Assert.Equal(10, after.Long("messageHistoryLimit"));
        Assert.Equal(Url, after.Str("webhookURL"));
    }

    [Fact]
    public async Task Patch_RevalidatesTheWholeBot_TheConflictRuleIncluded()
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        var privateBot = (await consumer.CreateBotAsync(new { name = "p", webhookURL = Url, messageVisibility = "private" })).Str("_id");
        AssertConflict(await consumer.SendAsync(HttpMethod.Patch, $"/bot/{privateBot}", new { trigger = "message" }));
        Assert.Equal("mention", (await consumer.SendAsync(HttpMethod.Get, $"/bot/{privateBot}")).Expect(HttpStatusCode.OK).Json.Prop("bot").Str("trigger"));

        var messageBot = (await consumer.CreateBotAsync(new { name = "m", webhookURL = Url, trigger = "message" })).Str("_id");
        AssertConflict(await consumer.SendAsync(HttpMethod.Patch, $"/bot/{messageBot}", new { messageVisibility = "private" }));
        Assert.Equal("public", (await consumer.SendAsync(HttpMethod.Get, $"/bot/{messageBot}")).Expect(HttpStatusCode.OK).Json.Prop("bot").Str("messageVisibility"));

        // Both at once the other way round is allowed.
        var ok = (await consumer.SendAsync(HttpMethod.Patch, $"/bot/{messageBot}", new { trigger = "mention", messageVisibility = "private" }))
            .Expect(HttpStatusCode.OK).Json.Prop("bot");
        Assert.Equal("private", ok.Str("messageVisibility"));
    }

    // ------------------------------------------------------------------ ownership

    [Fact]
    public async Task AnotherOwnersKey_Gets404_OnEveryBotRoute_AndChangesNothing()
    {
        var alice = await Consumer.CreateAsync(Fixture);
        var mallory = await Consumer.CreateAsync(Fixture);
        var group = await CreateGroupAsync(alice.Owner);
        var id = (await alice.CreateBotAsync(new { name = "mine", webhookURL = Url })).Str("_id");
        var roomPath = $"/bot/{id}/rooms/{group.Str("id")}";

        foreach (var response in new[]
        {
            await mallory.SendAsync(HttpMethod.Get, $"/bot/{id}"),
            await mallory.SendAsync(HttpMethod.Patch, $"/bot/{id}", new { name = "stolen" }),
            await mallory.SendAsync(HttpMethod.Delete, $"/bot/{id}"),
            await mallory.SendAsync(HttpMethod.Post, roomPath),
            await mallory.SendAsync(HttpMethod.Delete, roomPath),
            await mallory.SendAsync(HttpMethod.Get, $"/bot/{id}/deliveries"),
            await mallory.SendAsync(HttpMethod.Get, "/bot/bot-doesnotexist"),
        })
        {
            response.Expect(HttpStatusCode.NotFound);
            Assert.False(response.Json.Bool("success"), response.Describe());
            Assert.Equal("bot not found", response.Json.Str("message"));
        }

        Assert.Empty((await mallory.SendAsync(HttpMethod.Get, "/bots")).Expect(HttpStatusCode.OK).Json.Items("bots"));
        var still = (await alice.SendAsync(HttpMethod.Get, $"/bot/{id}")).Expect(HttpStatusCode.OK).Json.Prop("bot");
        Assert.Equal("mine", still.Str("name"));
        Assert.Empty(still.Strings("rooms"));
    }

    // ------------------------------------------------------------------ rooms and delete

    [Fact]
    public async Task Rooms_OnlyTheOwnersRooms_AllowingOneMakesTheBotAMember()
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        var id = (await consumer.CreateBotAsync(new { name = "r", webhookURL = Url })).Str("_id");
        var group = (await CreateGroupAsync(consumer.Owner)).Str("id");
        var panel = (await consumer.Owner.PostAsync("/api/panels", new { name = "P" })).Expect(HttpStatusCode.Created).Json;
        var channel = (await consumer.Owner.GetAsync($"/api/panels/{panel.Str("id")}/channels")).Expect(HttpStatusCode.OK).Json.Items()[0].Str("id");

        // Someone else's group (the owner is only a member) and unknown ids: 404.
        // A group the owner is a member of but no longer owns: it left (ownership passed to its bot), then was added back.
        var heir = await NewBotAsync(consumer.Owner);
        var foreignGroup = (await CreateGroupAsync(consumer.Owner, heir)).Str("id");
        (await consumer.Owner.DeleteAsync($"/api/groups/{foreignGroup}/members/{consumer.Owner.Id}")).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.NoContent);
        (await heir.PostAsync($"/api/groups/{foreignGroup}/members", new { user_id = consumer.Owner.Id })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created);
        Assert.Equal(heir.Id, (await consumer.Owner.GetAsync($"/api/groups/{foreignGroup}")).Expect(HttpStatusCode.OK).Json.Str("owner_id"));
        foreach (var room in new[] { foreignGroup, "c-nope", "ch-nope", "whatever" })
        {
            var response = await consumer.SendAsync(HttpMethod.Post, $"/bot/{id}/rooms/{room}");
            response.Expect(HttpStatusCode.NotFound);
            Assert.Equal("room not found", response.Json.Str("message"));
        }

        var withGroup = (await consumer.SendAsync(HttpMethod.Post, $"/bot/{id}/rooms/{group}")).Expect(HttpStatusCode.OK).Json.Prop("bot");
        Assert.Equal([group], withGroup.Strings("rooms"));
        var members = (await consumer.Owner.GetAsync($"/api/groups/{group}")).Expect(HttpStatusCode.OK).Json.Strings("member_ids");
        Assert.Contains(id, members);

        var withChannel = (await consumer.SendAsync(HttpMethod.Post, $"/bot/{id}/rooms/{channel}")).Expect(HttpStatusCode.OK).Json.Prop("bot");
        Assert.Equal([group, channel], withChannel.Strings("rooms"));
        var panelMembers = (await consumer.Owner.GetAsync($"/api/panels/{panel.Str("id")}/members")).Expect(HttpStatusCode.OK).Json.Items();
        Assert.Contains(panelMembers, m => m.Str("id") == id);

        var without = (await consumer.SendAsync(HttpMethod.Delete, $"/bot/{id}/rooms/{group}")).Expect(HttpStatusCode.OK).Json.Prop("bot");
        Assert.Equal([channel], without.Strings("rooms"));
        (await consumer.SendAsync(HttpMethod.Delete, $"/bot/{id}/rooms/{group}")).Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_RemovesTheBotAndItsUser()
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        var id = (await consumer.CreateBotAsync(new { name = "gone", webhookURL = Url })).Str("_id");
        var response = (await consumer.SendAsync(HttpMethod.Delete, $"/bot/{id}")).Expect(HttpStatusCode.OK).Json;
        Assert.True(response.Bool("success"));
        (await consumer.SendAsync(HttpMethod.Get, $"/bot/{id}")).Expect(HttpStatusCode.NotFound);
        (await consumer.SendAsync(HttpMethod.Delete, $"/bot/{id}")).Expect(HttpStatusCode.NotFound);
        Assert.Empty((await consumer.SendAsync(HttpMethod.Get, "/bots")).Expect(HttpStatusCode.OK).Json.Items("bots"));
        (await consumer.Owner.GetAsync($"/api/apps/{id}")).ExpectError(HttpStatusCode.NotFound);
    }

    // ------------------------------------------------------------------ helpers

    private static void AssertUnauthorized(ApiResponse response)
    {
        response.Expect(HttpStatusCode.Unauthorized);
        Assert.Equal("{\"success\":false,\"message\":\"unauthorized\"}", response.Text);
    }

    private static void AssertInvalid(ApiResponse response, string error)
    {
        response.Expect(HttpStatusCode.BadRequest);
        Assert.False(response.Json.Bool("success"), response.Describe());
        Assert.Equal("invalid request", response.Json.Str("message"));
        Assert.Equal(error, response.Json.Str("error"));
    }

    private static void AssertConflict(ApiResponse response)
    {
        response.Expect(HttpStatusCode.BadRequest);
        Assert.False(response.Json.Bool("success"), response.Describe());
        Assert.Equal(ConflictMessage, response.Json.Str("message"));
        Assert.False(response.Json.Has("error"), response.Describe());
    }

    private async Task<SqliteConnection> OpenDatabaseAsync()
    {
        var configuration = Fixture.Silo.Services.GetRequiredService<IConfiguration>();
        var connection = new SqliteConnection(configuration["Circul:Storage:ConnectionString"]);
        await connection.OpenAsync();
        return connection;
    }
}
