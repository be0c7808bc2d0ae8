namespace Circul.Silo.Tests.Panels;

/// <summary>API.md sections 1, 6 and 7: unknown ids, outsiders and malformed bodies each get the contract's error and
/// change nothing (checked by reading the panel back).</summary>
public sealed class PanelBadInputTests(SqliteSiloFixture fixture) : PanelTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task UnknownPanelChannelRoleCategoryAndMemberIds_Answer404WithTheErrorBody_AndChangeNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var role = (await CreateRoleAsync(owner, panel, "real", 1)).Str("id");
        var before = await SnapshotAsync(owner, panel);
        var p = panel.Path;
        var general = panel.ChannelPath(panel.GeneralId);
        var requests = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, "/api/panels/panel-nope", null),
            (HttpMethod.Patch, "/api/panels/panel-nope", new { name = "x" }),
            (HttpMethod.Delete, "/api/panels/panel-nope", null),
            (HttpMethod.Get, "/api/panels/panel-nope/channels", null),
            (HttpMethod.Get, "/api/panels/panel-nope/members", null),
            (HttpMethod.Post, "/api/panels/panel-nope/invites", new { }),
            (HttpMethod.Get, $"/api/panels/panel-nope/channels/{panel.GeneralId}/messages", null),
            (HttpMethod.Patch, $"{p}/channels/ch-nope", new { name = "x" }),
            (HttpMethod.Delete, $"{p}/channels/ch-nope", null),
            (HttpMethod.Get, $"{p}/channels/ch-nope/messages", null),
            (HttpMethod.Post, $"{p}/channels/ch-nope/messages", new { text = "x" }),
            (HttpMethod.Post, $"{p}/channels/ch-nope/read", null),
            (HttpMethod.Put, $"{p}/channels/ch-nope/overrides/everyone", new { allow = new[] { "mention_everyone" } }),
            (HttpMethod.Put, $"{general}/overrides/role-nope", new { allow = new[] { "mention_everyone" } }),
            (HttpMethod.Delete, $"{general}/overrides/role-nope", null),
            (HttpMethod.Delete, $"{general}/overrides/{role}", null),
            (HttpMethod.Patch, $"{p}/roles/role-nope", new { name = "x" }),
            (HttpMethod.Delete, $"{p}/roles/role-nope", null),
            (HttpMethod.Put, $"{p}/members/{bots[0].Id}/roles/role-nope", null),
            (HttpMethod.Put, $"{p}/members/bot-nope/roles/{role}", null),
            (HttpMethod.Delete, $"{p}/members/bot-nope", null),
            (HttpMethod.Patch, $"{p}/categories/cat-nope", new { name = "x" }),
            (HttpMethod.Delete, $"{p}/categories/cat-nope", null),
            (HttpMethod.Post, $"{p}/bots", new { bot_id = "bot-nope" }),
            (HttpMethod.Patch, "/api/messages/msg-nope", new { text = "x" }),
        };

        var failures = new List<string>();
        foreach (var (method, path, body) in requests)
        {
            var response = await owner.SendAsync(method, path, body);
            if (response.Status != HttpStatusCode.NotFound || !IsErrorBody(response))
            {
                failures.Add(response.Describe());
            }
        }

        Assert.True(failures.Count == 0, "expected 404 with {\"error\": ...} for each, got:\n" + string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync(owner, panel));
    }

    [Fact]
    public async Task ANonMember_GetsTheSame404AsForANonexistentPanel_OnEveryRoute_AndChangesNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var outsider = await NewBotAsync(owner);
        var role = (await CreateRoleAsync(owner, panel, "real", 1)).Str("id");
        var message = await PostInChannelAsync(owner, panel, panel.GeneralId, "members only");
        var code = await CreateInviteCodeAsync(owner, panel, new { max_uses = 1 });
        var before = await SnapshotAsync(owner, panel);
        var routes = new (HttpMethod Method, string Suffix, object? Body)[]
        {
            (HttpMethod.Get, "", null),
            (HttpMethod.Patch, "", new { name = "mine now" }),
            (HttpMethod.Delete, "", null),
            (HttpMethod.Get, "/channels", null),
            (HttpMethod.Post, "/channels", new { name = "intrusion" }),
            (HttpMethod.Patch, $"/channels/{panel.GeneralId}", new { name = "intrusion" }),
            (HttpMethod.Delete, $"/channels/{panel.GeneralId}", null),
            (HttpMethod.Put, $"/channels/{panel.GeneralId}/overrides/everyone", new { deny = new[] { "view_channel" } }),
            (HttpMethod.Get, $"/channels/{panel.GeneralId}/messages", null),
            (HttpMethod.Post, $"/channels/{panel.GeneralId}/messages", new { text = "intrusion" }),
            (HttpMethod.Post, $"/channels/{panel.GeneralId}/read", null),
            (HttpMethod.Post, "/categories", new { name = "intrusion" }),
            (HttpMethod.Get, "/members", null),
            (HttpMethod.Post, "/roles", new { name = "intrusion", position = 1 }),
            (HttpMethod.Patch, $"/roles/{role}", new { name = "intrusion" }),
            (HttpMethod.Delete, $"/roles/{role}", null),
            (HttpMethod.Put, $"/members/{outsider.Id}/roles/{role}", null),
            (HttpMethod.Delete, $"/members/{bots[0].Id}", null),
            (HttpMethod.Post, "/invites", new { }),
            (HttpMethod.Post, "/bots", new { bot_id = outsider.Id }),
            (HttpMethod.Post, "/bans", new { user_id = bots[0].Id, reason = "x" }),
        };

        var failures = new List<string>();
        foreach (var (method, suffix, body) in routes)
        {
            var real = await outsider.SendAsync(method, panel.Path + suffix, body);
            var fake = await outsider.SendAsync(method, "/api/panels/panel-doesnotexist" + suffix, body);
            if (real.Status != HttpStatusCode.NotFound || !IsErrorBody(real) || fake.Status != real.Status)
            {
                failures.Add($"{real.Describe()}\n    vs nonexistent: {fake.Describe()}");
            }
        }

        var react = await outsider.PostAsync($"/api/messages/{message.Str("id")}/reactions", new { emoji = "👋" });
        var delete = await outsider.DeleteAsync($"/api/messages/{message.Str("id")}");
        foreach (var response in new[] { react, delete })
        {
            if (response.Status != HttpStatusCode.NotFound || !IsErrorBody(response))
            {
                failures.Add(response.Describe());
            }
        }

        Assert.True(failures.Count == 0, "expected an outsider to get 404 exactly like for a nonexistent panel, got:\n" + string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync(owner, panel));
        Assert.DoesNotContain(outsider.Id, await MemberIdsAsync(owner, panel));
        await JoinByInviteAsync(await NewBotAsync(owner), code);
    }

    public static TheoryData<string, string, string, string> MalformedBodies => new()
    {
        // method, route (P = the panel, C = its general channel), raw body, the field the error must name
        { "POST", "/api/panels", "{}", "name" },
        { "POST", "/api/panels", """{"name": 42}""", "name" },
        { "POST", "/api/panels", """{"name": "   "}""", "name" },
        { "POST", "/api/panels", "{\"name\": \"" + new string('x', 101) + "\"}", "name" },
        { "PATCH", "P", """{"name": ""}""", "name" },
        { "PATCH", "P", """{"everyone_permissions": ["fly"]}""", "everyone_permissions" },
        { "PATCH", "P", """{"everyone_permissions": "view_channel"}""", "everyone_permissions" },
        { "POST", "P/channels", "{}", "name" },
        { "POST", "P/channels", """{"name": ["general"]}""", "name" },
        { "PATCH", "P/channels/C", """{"position": "top"}""", "position" },
        { "PATCH", "P/channels/C", """{"topic": 7}""", "topic" },
        { "POST", "P/categories", """{"name": ""}""", "name" },
        { "POST", "P/roles", """{"name": "r", "permissions": ["fly"]}""", "permissions" },
        { "POST", "P/roles", """{"name": "r", "color": "red"}""", "color" },
        { "POST", "P/roles", """{"name": "r", "position": "high"}""", "position" },
        { "POST", "P/roles", """{"permissions": ["view_channel"]}""", "name" },
        { "PUT", "P/channels/C/overrides/everyone", """{"allow": "view_channel"}""", "allow" },
        { "PUT", "P/channels/C/overrides/everyone", """{"deny": ["nope"]}""", "deny" },
        { "POST", "P/invites", """{"max_uses": -1}""", "max_uses" },
        { "POST", "P/invites", """{"max_age_seconds": "soon"}""", "max_age_seconds" },
        { "POST", "P/bots", "{}", "bot_id" },
        { "POST", "P/bots", """{"bot_id": 5}""", "bot_id" },
        { "POST", "P/bans", """{"reason": "no user"}""", "user_id" },
        { "POST", "P/channels/C/messages", "{}", "text" },
        { "POST", "P/channels/C/messages", """{"text": "   "}""", "text" },
        { "POST", "P/channels/C/messages", """{"text": "hi", "mentions": "everyone"}""", "mentions" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task AMalformedBody_Returns400NamingTheField_AndChangesNothing(string method, string route, string body, string field)
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var before = await SnapshotAsync(owner, panel);
        var path = route.Replace("P/", panel.Path + "/", StringComparison.Ordinal).Replace("/C", "/" + panel.GeneralId, StringComparison.Ordinal);
        path = path == "P" ? panel.Path : path;

        var response = await owner.SendRawAsync(new HttpMethod(method), path, body);

        var error = response.ExpectError(HttpStatusCode.BadRequest);
        Assert.True(error.Contains(field, StringComparison.Ordinal), $"the error of {method} {route} {body} should name '{field}': {error}");
        Assert.Equal(before, await SnapshotAsync(owner, panel));
        Assert.Single((await owner.GetAsync("/api/panels")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Theory]
    [InlineData("POST", "/api/panels")]
    [InlineData("POST", "P/roles")]
    [InlineData("PUT", "P/channels/C/overrides/everyone")]
    [InlineData("POST", "P/channels/C/messages")]
    public async Task MalformedJson_Returns400WithTheErrorBody_AndChangesNothing(string method, string route)
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var before = await SnapshotAsync(owner, panel);
        var path = route.Replace("P/", panel.Path + "/", StringComparison.Ordinal).Replace("/C", "/" + panel.GeneralId, StringComparison.Ordinal);

        var response = await owner.SendRawAsync(new HttpMethod(method), path, """{"name": "unterminated""");

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Equal(before, await SnapshotAsync(owner, panel));
    }

    [Fact]
    public async Task AnOverrideNamingTheSamePermissionInAllowAndDeny_Returns400_AndAddsNothing()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var before = await SnapshotAsync(owner, panel);

        var response = await PutOverrideAsync(owner, panel, panel.GeneralId, "everyone", ["send_messages"], ["send_messages"]);

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Equal(before, await SnapshotAsync(owner, panel));
    }

    private static bool IsErrorBody(ApiResponse response)
    {
        try
        {
            using var doc = JsonDocument.Parse(response.Body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Everything a bad request could have changed: the panel object, its channels and general's messages.</summary>
    private static async Task<string> SnapshotAsync(BotClient owner, PanelRef panel)
    {
        var panelJson = (await GetPanelAsync(owner, panel)).GetRawText();
        var channels = string.Join("\n", (await ChannelsAsync(owner, panel)).Select(c => c.GetRawText()));
        var messages = string.Join("\n", (await ChannelMessagesAsync(owner, panel, panel.GeneralId)).Select(m => m.GetRawText()));
        return $"{panelJson}\n{channels}\n{messages}";
    }

    [Fact]
    public async Task AChannelOfAnotherPanel_Answers404ThroughThisPanelsRoutes_EvenToAMemberOfBoth()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var other = await CreatePanelAsync(owner);
        await PostInChannelAsync(owner, other, other.GeneralId, "lives in the other panel");
        var before = await SnapshotAsync(owner, other);
        var foreign = panel.ChannelPath(other.GeneralId);

        var responses = new[]
        {
            await owner.GetAsync($"{foreign}/messages"),
            await owner.PostAsync($"{foreign}/messages", new { text = "cross-posted" }),
            await owner.PostAsync($"{foreign}/read"),
            await owner.PatchAsync(foreign, new { name = "moved" }),
            await owner.DeleteAsync(foreign),
            await owner.PutAsync($"{foreign}/overrides/everyone", new { deny = new[] { "view_channel" } }),
        };

        foreach (var response in responses)
        {
            response.ExpectError(HttpStatusCode.NotFound);
        }

        Assert.Equal(before, await SnapshotAsync(owner, other));
    }
}
