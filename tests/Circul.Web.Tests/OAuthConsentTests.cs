namespace Circul.Web.Tests;

/// <summary>Bot OAuth in a real browser against a real silo and a real callback server (API section 9).</summary>
public sealed class OAuthConsentTests(WebSiloFixture fixture, Chromium chromium)
    : WebTestBase(fixture, chromium), IClassFixture<WebSiloFixture>, IClassFixture<Chromium>
{
    [Fact]
    public async Task Authorize_AfterLogin_BotJoinsPanelAndBrowserLandsOnCallbackWithPanel()
    {
        var receiver = await NewReceiverAsync();
        var developer = await NewHumanAsync();
        var app = await NewAppAsync(developer, receiver.CallbackUri);
        var admin = await NewHumanAsync();
        var panel = await NewPanelAsync(admin);
        await using var adminSocket = await admin.ConnectReadyAsync();

        var page = await NewPageAsync();
        await page.GotoAsync(AuthorizeUrl(app.Id, receiver.CallbackUri));
        Assert.StartsWith(BaseUrl + "/login?returnUrl=", page.Url);
        await SubmitLoginAsync(page, admin);

        // Back on the consent page: the bot's name, the panel picker, the two buttons.
        Assert.StartsWith(BaseUrl + "/oauth/authorize?", page.Url);
        Assert.Contains($"Add {app.Name} to a panel", await page.Locator("h1").InnerTextAsync());
        await page.GetByLabel("Panel", new() { Exact = true }).SelectOptionAsync(panel.Id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync();

        var callback = await receiver.FirstRequestAsync();
        Assert.Equal("/cb", callback.AbsolutePath);
        var query = QueryOf(callback);
        Assert.Equal(panel.Id, query["panel_id"]);
        Assert.Equal(panel.Name, query["panel_name"]);
        Assert.Equal(app.Name, query["bot"]);
        Assert.Equal(["bot", "panel_id", "panel_name"], query.Keys.Order(StringComparer.Ordinal));
        await page.WaitForURLAsync(receiver.CallbackUri + "?**");
        Assert.Contains("panel_name=Panel%20", page.Url);

        await adminSocket.NextEventAsync("panel_member_joined", e => e.Payload.Str("user_id") == app.Id && e.Payload.Str("panel_id") == panel.Id,
            what: "panel_member_joined for the authorized bot");
        Assert.Contains(app.Id, await MemberIdsAsync(admin, panel.Id));
        var system = await adminSocket.NextEventAsync("panel_message", e => e.Payload.Prop("message").Bool("is_system"), what: "the join's system message");
        Assert.Contains(app.Name, system.Payload.Prop("message").Str("text"));
    }

    [Fact]
    public async Task Cancel_RedirectsWithAccessDenied_AndTheBotDoesNotJoin()
    {
        var receiver = await NewReceiverAsync();
        var developer = await NewHumanAsync();
        var app = await NewAppAsync(developer, receiver.CallbackUri + "?from=circul");
        var admin = await NewHumanAsync();
        var panel = await NewPanelAsync(admin);

        var page = await NewPageAsync();
        await LoginAsync(page, admin);
        await page.GotoAsync(AuthorizeUrl(app.Id, receiver.CallbackUri + "?from=circul"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        var callback = await receiver.FirstRequestAsync();
        Assert.Equal("?from=circul&error=access_denied", callback.Query);
        Assert.DoesNotContain(app.Id, await MemberIdsAsync(admin, panel.Id));
    }

    [Fact]
    public async Task TheBotsOwnState_ComesBackUnchanged_OnAuthorizeAndOnCancel()
    {
        var receiver = await NewReceiverAsync();
        var developer = await NewHumanAsync();
        var app = await NewAppAsync(developer, receiver.CallbackUri);
        var admin = await NewHumanAsync();
        var panel = await NewPanelAsync(admin);
        const string botState = "csrf 42&x=ü/?";
        var page = await NewPageAsync();
        await LoginAsync(page, admin);

        await page.GotoAsync(AuthorizeUrl(app.Id, receiver.CallbackUri) + "&state=" + Uri.EscapeDataString(botState));
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        var cancelled = QueryOf(await receiver.FirstRequestAsync());
        Assert.Equal(botState, cancelled["state"]);
        Assert.Equal("access_denied", cancelled["error"]);

        await page.GotoAsync(AuthorizeUrl(app.Id, receiver.CallbackUri) + "&state=" + Uri.EscapeDataString(botState));
        await page.GetByLabel("Panel", new() { Exact = true }).SelectOptionAsync(panel.Id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync();
        await page.WaitForURLAsync(receiver.CallbackUri + "?panel_id=**");
        var authorized = QueryOf(receiver.Requests.Last());
        Assert.Equal(botState, authorized["state"]);
        Assert.Equal(panel.Id, authorized["panel_id"]);
    }

    [Fact]
    public async Task ConsentPage_ListsManagedPanelsWithoutTheBot_AndShowsBotName()
    {
        var receiver = await NewReceiverAsync();
        var developer = await NewHumanAsync();
        var app = await NewAppAsync(developer, receiver.CallbackUri);
        var admin = await NewHumanAsync();
        var owned = await NewPanelAsync(admin);
        var alreadyThere = await NewPanelAsync(admin);
        await AddByOAuthAsync(admin, app.Id, receiver.CallbackUri, alreadyThere.Id);
        var other = await NewHumanAsync();
        var foreign = await NewPanelAsync(other);
        var invite = (await other.PostAsync($"/api/panels/{foreign.Id}/invites", new { })).Expect(HttpStatusCode.Created).Json.Str("code");
        (await admin.PostAsync($"/api/invites/{invite}/accept")).Expect(HttpStatusCode.OK);

        var page = await NewPageAsync();
        await LoginAsync(page, admin);
        await page.GotoAsync(AuthorizeUrl(app.Id, receiver.CallbackUri));
        var options = await page.Locator("select#panel option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)");
        Assert.Equal(["", owned.Id], options);
        Assert.StartsWith(app.Name + " wants to join", await page.Locator("h2#consent-heading").InnerTextAsync());
    }

    [Fact]
    public async Task ReusedState_ShowsErrorPage_AndAddsNothing()
    {
        var receiver = await NewReceiverAsync();
        var developer = await NewHumanAsync();
        var app = await NewAppAsync(developer, receiver.CallbackUri);
        var admin = await NewHumanAsync();
        var first = await NewPanelAsync(admin);
        var second = await NewPanelAsync(admin);

        var page = await NewPageAsync();
        await LoginAsync(page, admin);
        await page.GotoAsync(AuthorizeUrl(app.Id, receiver.CallbackUri));
        var usedState = await page.Locator("input[name=state]").InputValueAsync();
        await page.GetByLabel("Panel", new() { Exact = true }).SelectOptionAsync(first.Id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync();
        await receiver.FirstRequestAsync();

        // A new consent page, its form carrying the state already used.
        await page.GotoAsync(AuthorizeUrl(app.Id, receiver.CallbackUri));
        await page.Locator("input[name=state]").EvaluateAsync("(input, value) => input.value = value", usedState);
        await page.GetByLabel("Panel", new() { Exact = true }).SelectOptionAsync(second.Id);
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(400, response.Status);
        Assert.StartsWith(BaseUrl, page.Url);
        Assert.Contains("already used", await MainTextAsync(page));
        Assert.DoesNotContain(app.Id, await MemberIdsAsync(admin, second.Id));
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task ForgedState_ShowsErrorPage_AndAddsNothing()
    {
        var receiver = await NewReceiverAsync();
        var developer = await NewHumanAsync();
        var app = await NewAppAsync(developer, receiver.CallbackUri);
        var admin = await NewHumanAsync();
        var panel = await NewPanelAsync(admin);

        var page = await NewPageAsync();
        await LoginAsync(page, admin);
        await page.GotoAsync(AuthorizeUrl(app.Id, receiver.CallbackUri));
        await page.Locator("input[name=state]").EvaluateAsync("input => input.value = 'st_' + 'A'.repeat(43)");
        await page.GetByLabel("Panel", new() { Exact = true }).SelectOptionAsync(panel.Id);
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(400, response.Status);
        Assert.Contains("not valid", await MainTextAsync(page));
        Assert.DoesNotContain(app.Id, await MemberIdsAsync(admin, panel.Id));
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task StateOfAnotherSession_IsRefused()
    {
        var receiver = await NewReceiverAsync();
        var developer = await NewHumanAsync();
        var app = await NewAppAsync(developer, receiver.CallbackUri);
        var admin = await NewHumanAsync();
        var panel = await NewPanelAsync(admin);

        // The same person in two browsers: a state shown to one session is no good in the other.
        var first = await NewPageAsync();
        await LoginAsync(first, admin);
        await first.GotoAsync(AuthorizeUrl(app.Id, receiver.CallbackUri));
        var state = await first.Locator("input[name=state]").InputValueAsync();
        var second = await NewPageAsync();
        await LoginAsync(second, admin);
        await second.GotoAsync(AuthorizeUrl(app.Id, receiver.CallbackUri));
        await second.Locator("input[name=state]").EvaluateAsync("(input, value) => input.value = value", state);
        await second.GetByLabel("Panel", new() { Exact = true }).SelectOptionAsync(panel.Id);
        var response = await second.RunAndWaitForResponseAsync(
            () => second.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(400, response.Status);
        Assert.DoesNotContain(app.Id, await MemberIdsAsync(admin, panel.Id));
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task PanelWithoutManagePanel_PostedByHand_ShowsErrorPage_AndTheStateStaysUsable()
    {
        var receiver = await NewReceiverAsync();
        var developer = await NewHumanAsync();
        var app = await NewAppAsync(developer, receiver.CallbackUri);
        var user = await NewHumanAsync();
        var own = await NewPanelAsync(user);
        var other = await NewHumanAsync();
        var foreign = await NewPanelAsync(other);
        var invite = (await other.PostAsync($"/api/panels/{foreign.Id}/invites", new { })).Expect(HttpStatusCode.Created).Json.Str("code");
        (await user.PostAsync($"/api/invites/{invite}/accept")).Expect(HttpStatusCode.OK);

        var page = await NewPageAsync();
        await LoginAsync(page, user);
        await page.GotoAsync(AuthorizeUrl(app.Id, receiver.CallbackUri));
        var consentUrl = page.Url;
        await page.Locator("select#panel option").Nth(1).EvaluateAsync("(option, id) => option.value = id", foreign.Id);
        await page.GetByLabel("Panel", new() { Exact = true }).SelectOptionAsync(foreign.Id);
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(403, response.Status);
        Assert.Contains("Manage Panel", await MainTextAsync(page));
        Assert.DoesNotContain(app.Id, await MemberIdsAsync(other, foreign.Id));
        Assert.Empty(receiver.Requests);

        // Nothing changed: the consent page's state still works for a panel the user does manage.
        await page.GoBackAsync();
        Assert.Equal(consentUrl, page.Url);
        await page.GetByLabel("Panel", new() { Exact = true }).SelectOptionAsync(own.Id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync();
        Assert.Equal(own.Id, QueryOf(await receiver.FirstRequestAsync())["panel_id"]);
    }

    [Theory]
    [InlineData("{0}/")]
    [InlineData("{0}/extra")]
    [InlineData("{0}?x=1")]
    [InlineData("{0}#frag")]
    [InlineData("{1}")]
    [InlineData("HTTP://127.0.0.1:{2}/cb")]
    [InlineData("http://127.0.0.1:{2}/CB")]
    [InlineData("http://evil@127.0.0.1:{2}/cb")]
    [InlineData("http://127.0.0.1:{2}/c")]
    [InlineData("http://127.0.0.1:{2}/cb/../cb")]
    [InlineData("http://localhost:{2}/cb")]
    [InlineData("https://evil.example/cb")]
    public async Task UnregisteredRedirectUri_ShowsErrorPage_LoggedInOrNot_NeverRedirects(string variant)
    {
        var receiver = await NewReceiverAsync();
        var developer = await NewHumanAsync();
        var app = await NewAppAsync(developer, receiver.CallbackUri);
        var port = new Uri(receiver.BaseUrl).Port;
        var redirect = string.Format(System.Globalization.CultureInfo.InvariantCulture, variant, receiver.CallbackUri, receiver.BaseUrl + "/cbx", port);

        var page = await NewPageAsync();
        var anonymous = await page.GotoAsync(AuthorizeUrl(app.Id, redirect));
        Assert.Equal(400, anonymous!.Status);
        Assert.StartsWith(BaseUrl + "/oauth/authorize", page.Url);

        await LoginAsync(page, developer);
        var signedIn = await page.GotoAsync(AuthorizeUrl(app.Id, redirect));
        Assert.Equal(400, signedIn!.Status);
        Assert.StartsWith(BaseUrl + "/oauth/authorize", page.Url);
        Assert.Contains("not registered", await MainTextAsync(page));
        Assert.Equal(0, await page.Locator("form[action='/oauth/authorize']").CountAsync());
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task UnknownBot_ShowsErrorPage()
    {
        var receiver = await NewReceiverAsync();
        var human = await NewHumanAsync();
        var page = await NewPageAsync();
        await LoginAsync(page, human);

        var unknown = await page.GotoAsync(AuthorizeUrl("bot-doesnotexist000000", receiver.CallbackUri));
        Assert.Equal(404, unknown!.Status);
        var notABot = await page.GotoAsync(AuthorizeUrl(human.Id, receiver.CallbackUri));
        Assert.Equal(404, notABot!.Status);
        Assert.StartsWith(BaseUrl, page.Url);
        Assert.Empty(receiver.Requests);
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("https://evil.example/")]
    [InlineData("/\t/evil.example/")]
    [InlineData("http:evil.example")]
    public async Task LoginReturnUrl_OffSite_LandsOnMyApps(string returnUrl)
    {
        var human = await NewHumanAsync();
        var page = await NewPageAsync();
        await page.GotoAsync("/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        await SubmitLoginAsync(page, human);

        Assert.Equal(BaseUrl + "/apps", page.Url);
        Assert.Equal("My Apps", await page.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task LoginReturnUrl_LocalPath_IsFollowed()
    {
        var human = await NewHumanAsync();
        var page = await NewPageAsync();
        await page.GotoAsync("/login?returnUrl=" + Uri.EscapeDataString("/logout"));
        await SubmitLoginAsync(page, human);

        Assert.Equal(BaseUrl + "/logout", page.Url);
    }

    [Fact]
    public async Task WrongPassword_ShowsTheFormAgain_WithoutASession()
    {
        var human = await NewHumanAsync();
        var page = await NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(human.Name);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("wrong-password-123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();

        Assert.Contains("Invalid username or password", await MainTextAsync(page));
        var cookies = await page.Context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Name == "circul_session");
    }

    [Fact]
    public async Task NotYou_LogsOutAndBackInAsSomeoneElse_ReturningToTheConsentPage()
    {
        var receiver = await NewReceiverAsync();
        var developer = await NewHumanAsync();
        var app = await NewAppAsync(developer, receiver.CallbackUri);
        var wrong = await NewHumanAsync();
        var admin = await NewHumanAsync();
        var panel = await NewPanelAsync(admin);
        var page = await NewPageAsync();
        await LoginAsync(page, wrong);
        await page.GotoAsync(AuthorizeUrl(app.Id, receiver.CallbackUri));
        var consentUrl = page.Url;

        await page.GetByRole(AriaRole.Link, new() { Name = "Log out" }).Last.ClickAsync();
        await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        Assert.StartsWith(BaseUrl + "/login?returnUrl=", page.Url);
        await SubmitLoginAsync(page, admin);

        Assert.Equal(consentUrl, page.Url);
        Assert.Contains(admin.Name, await page.Locator("header").InnerTextAsync());
        await page.GetByLabel("Panel", new() { Exact = true }).SelectOptionAsync(panel.Id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync();
        Assert.Equal(panel.Id, QueryOf(await receiver.FirstRequestAsync())["panel_id"]);
    }

    private async Task AddByOAuthAsync(BotClient admin, string botId, string redirectUri, string panelId)
    {
        var page = await NewPageAsync();
        await LoginAsync(page, admin);
        await page.GotoAsync(AuthorizeUrl(botId, redirectUri));
        await page.GetByLabel("Panel", new() { Exact = true }).SelectOptionAsync(panelId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync();
        await page.WaitForURLAsync(redirectUri + "?**");
        await page.CloseAsync();
    }
}
