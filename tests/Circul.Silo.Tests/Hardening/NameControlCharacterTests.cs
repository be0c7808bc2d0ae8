using Circul.Silo.Tests.Panels;

namespace Circul.Silo.Tests.Hardening;

/// <summary>
/// Issue 10, item 4: every name-like field refuses C0 and C1 control characters (CR, LF, NUL, ESC, DEL, NEL…) with a
/// 400 that names the field, and the object keeps its old name. Free-text fields (app description, bio) keep theirs.
/// </summary>
public sealed class NameControlCharacterTests(SqliteSiloFixture fixture) : PanelTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    /// <summary>CR, LF, CRLF, NUL, ESC (C0), DEL, and NEL and CSI (C1), inside and at the end of a name.</summary>
    public static readonly string[] BadNames =
        ["evil\rname", "evil\nname", "evil\r\nFake-Header: 1", "evil\0name", "name\0", "evil\u001B[31mname", "evil\u007Fname", "evil\u0085name", "evil\u009Bname"];

    [Fact]
    public async Task PatchMeName_WithAControlCharacter_Returns400NamingTheFieldAndKeepsTheName()
    {
        var human = await NewHumanAsync();
        var bot = await NewBotAsync(human);
        foreach (var caller in new[] { human, bot })
        {
            foreach (var bad in BadNames)
            {
                ExpectNameRefused(await caller.PatchAsync("/api/me", new { name = bad }), bad);
            }

            Assert.Equal(caller.Name, (await caller.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json.Str("name"));
        }
    }

    [Fact]
    public async Task AppName_WithAControlCharacter_IsRefusedOnCreateAndUpdate()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        var appName = bot.App.Str("name");
        foreach (var bad in BadNames)
        {
            ExpectNameRefused(await owner.PostAsync("/api/apps", new { name = bad }), bad);
            ExpectNameRefused(await owner.PatchAsync($"/api/apps/{bot.Id}", new { name = bad }), bad);
        }

        var apps = (await owner.GetAsync("/api/apps")).Expect(HttpStatusCode.OK).Json.Items();
        Assert.Equal([appName], apps.Select(a => a.Str("name")));
    }

    [Fact]
    public async Task GroupName_WithAControlCharacter_IsRefusedAndCreatesNothing()
    {
        var world = await NewBotsInDmAsync();
        var before = (await world.Owner.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Items().Length;
        foreach (var bad in BadNames)
        {
            ExpectNameRefused(await world.Owner.PostAsync("/api/groups", new { name = bad, member_ids = new[] { world.A.Id } }), bad);
        }

        Assert.Equal(before, (await world.Owner.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK).Json.Items().Length);
    }

    [Fact]
    public async Task PanelName_WithAControlCharacter_IsRefusedOnCreateAndUpdate()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner, "clean panel");
        foreach (var bad in BadNames)
        {
            ExpectNameRefused(await owner.PostAsync("/api/panels", new { name = bad }), bad);
            ExpectNameRefused(await owner.PatchAsync(panel.Path, new { name = bad }), bad);
        }

        Assert.Equal("clean panel", (await GetPanelAsync(owner, panel)).Str("name"));
        Assert.Single((await owner.GetAsync("/api/panels")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Fact]
    public async Task ChannelCategoryAndRoleNames_WithAControlCharacter_AreRefusedOnCreateAndUpdate()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var role = (await CreateRoleAsync(owner, panel, "clean-role", 1)).Str("id");
        var channelsBefore = (await ChannelsAsync(owner, panel)).Length;
        foreach (var bad in BadNames)
        {
            ExpectNameRefused(await owner.PostAsync($"{panel.Path}/channels", new { name = bad }), bad);
            ExpectNameRefused(await owner.PatchAsync(panel.ChannelPath(panel.GeneralId), new { name = bad }), bad);
            ExpectNameRefused(await owner.PostAsync($"{panel.Path}/categories", new { name = bad }), bad);
            ExpectNameRefused(await owner.PatchAsync($"{panel.Path}/categories/{panel.TextCategoryId}", new { name = bad }), bad);
            ExpectNameRefused(await owner.PostAsync($"{panel.Path}/roles", new { name = bad, position = 1 }), bad);
            ExpectNameRefused(await owner.PatchAsync($"{panel.Path}/roles/{role}", new { name = bad }), bad);
        }

        var after = await GetPanelAsync(owner, panel);
        Assert.Equal(channelsBefore, (await ChannelsAsync(owner, panel)).Length);
        Assert.Equal("Text", after.Items("categories").Single(c => c.Str("id") == panel.TextCategoryId).Str("name"));
        Assert.Equal("clean-role", after.Items("roles").Single(r => r.Str("id") == role).Str("name"));
    }

    [Fact]
    public async Task Names_WithoutControlCharacters_StillAccepted_IncludingNonAsciiAndFormatCharacters()
    {
        var human = await NewHumanAsync();
        const string name = "Zoë 🤖 محمد\u200D x";

        var response = await human.PatchAsync("/api/me", new { name });

        Assert.Equal(name, response.Expect(HttpStatusCode.OK).Json.Str("name"));
    }

    [Fact]
    public async Task FreeTextFields_AreNotNames_AndKeepTheirLineBreaks()
    {
        var owner = await NewHumanAsync();
        const string description = "Line one\nLine two\r\n\tindented";

        var app = await owner.PostAsync("/api/apps", new { name = SiloFixture.RandomName("b"), description });
        var me = await owner.PatchAsync("/api/me", new { bio = description });

        Assert.Equal(description, app.Expect(HttpStatusCode.Created).Json.Prop("app").Str("description"));
        Assert.Equal(description, me.Expect(HttpStatusCode.OK).Json.Str("bio"));
    }

    private static void ExpectNameRefused(ApiResponse response, string bad)
    {
        var error = response.ExpectError(HttpStatusCode.BadRequest);
        Assert.True(error.StartsWith("name must not contain ", StringComparison.Ordinal),
            $"the 400 for {Escape(bad)} should name the field and the reason, got '{error}'");
    }

    private static string Escape(string value) => JsonSerializer.Serialize(value);
}
