namespace Circul.Web.Tests;

/// <summary>My Apps pages in a real browser (API section 10).</summary>
public sealed class AppsPagesTests(WebSiloFixture fixture, Chromium chromium)
    : WebTestBase(fixture, chromium), IClassFixture<WebSiloFixture>, IClassFixture<Chromium>
{
    [Fact]
    public async Task MyApps_WithoutSession_GoesThroughLoginAndBack()
    {
        var human = await NewHumanAsync();
        var page = await NewPageAsync();
        await page.GotoAsync("/apps");
        Assert.Equal(BaseUrl + "/login?returnUrl=%2Fapps", page.Url);
        await SubmitLoginAsync(page, human);
        Assert.Equal(BaseUrl + "/apps", page.Url);
        Assert.Contains(human.Name, await page.Locator("header").InnerTextAsync());
    }

    [Fact]
    public async Task CreateApp_ShowsTokenOnce_AndTheTokenWorks()
    {
        var owner = await NewHumanAsync();
        var page = await NewPageAsync();
        await LoginAsync(page, owner);
        var name = SiloFixture.RandomName("Weather ");

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Description (optional)", new() { Exact = true }).FillAsync("Forecasts <b>daily</b>");
        await page.GetByLabel("Redirect URIs (optional)", new() { Exact = true }).FillAsync("https://bot.example/callback\nhttp://127.0.0.1:8123/cb");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create app" }).ClickAsync();

        Assert.Equal($"{name} was created", await page.Locator("h1").InnerTextAsync());
        var token = await page.GetByLabel("Token", new() { Exact = true }).InputValueAsync();
        Assert.StartsWith("cb_", token);
        var bot = Fixture.WithToken(token, "Bot");
        var me = (await bot.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(name, me.Str("name"));
        var app = (await owner.GetAsync($"/api/apps/{me.Str("id")}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(["https://bot.example/callback", "http://127.0.0.1:8123/cb"], app.Strings("redirect_uris"));
        Assert.Equal("Forecasts <b>daily</b>", app.Str("description"));

        // Shown once: the app's page and the list never show it again.
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue to the app" }).ClickAsync();
        Assert.Equal(BaseUrl + "/apps/" + me.Str("id"), page.Url);
        Assert.DoesNotContain(token, await page.ContentAsync());
        Assert.Contains("Forecasts <b>daily</b>", await MainTextAsync(page));
        await page.GotoAsync("/apps");
        Assert.DoesNotContain(token, await page.ContentAsync());
        Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = name }).CountAsync());
    }

    [Fact]
    public async Task CreateApp_WithABadRedirectUri_ShowsTheErrorAndKeepsTheInput()
    {
        var owner = await NewHumanAsync();
        var page = await NewPageAsync();
        await LoginAsync(page, owner);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Bad uris");
        await page.GetByLabel("Redirect URIs (optional)", new() { Exact = true }).FillAsync("javascript:alert(1)");
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Create app" }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(400, response.Status);
        Assert.Contains("redirect_uris", await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        Assert.Equal("Bad uris", await page.GetByLabel("Name", new() { Exact = true }).InputValueAsync());
        Assert.Empty((await owner.GetAsync("/api/apps")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Fact]
    public async Task ResetToken_ShowsTheNewOneOnce_AndTheOldOneStopsWorking()
    {
        var owner = await NewHumanAsync();
        var app = await NewAppAsync(owner);
        var oldBot = Fixture.WithToken(app.Token, "Bot");
        await using var socket = await oldBot.ConnectReadyAsync();
        var page = await NewPageAsync();
        await LoginAsync(page, owner);

        await page.GotoAsync($"/apps/{app.Id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reset token" }).ClickAsync();

        Assert.Equal($"New token for {app.Name}", await page.Locator("h1").InnerTextAsync());
        var token = await page.GetByLabel("Token", new() { Exact = true }).InputValueAsync();
        Assert.NotEqual(app.Token, token);
        (await oldBot.GetAsync("/api/me")).Expect(HttpStatusCode.Unauthorized);
        await socket.ExpectCloseAsync(4001);
        (await Fixture.WithToken(token, "Bot").GetAsync("/api/me")).Expect(HttpStatusCode.OK);

        await page.GotoAsync($"/apps/{app.Id}");
        Assert.DoesNotContain(token, await page.ContentAsync());
    }

    [Fact]
    public async Task EditApp_ChangesNameDescriptionAndRedirectUris()
    {
        var owner = await NewHumanAsync();
        var app = await NewAppAsync(owner, "https://old.example/cb");
        var page = await NewPageAsync();
        await LoginAsync(page, owner);

        await page.GotoAsync($"/apps/{app.Id}");
        Assert.Equal("https://old.example/cb", await page.GetByLabel("Redirect URIs (optional)", new() { Exact = true }).InputValueAsync());
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Renamed bot");
        await page.GetByLabel("Description (optional)", new() { Exact = true }).FillAsync("new words");
        await page.GetByLabel("Redirect URIs (optional)", new() { Exact = true }).FillAsync("https://new.example/cb\n\nhttps://new.example/other  ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();

        Assert.Equal(BaseUrl + $"/apps/{app.Id}?saved=1", page.Url);
        Assert.Equal("Saved.", await page.GetByRole(AriaRole.Status).First.InnerTextAsync());
        var saved = (await owner.GetAsync($"/api/apps/{app.Id}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("Renamed bot", saved.Str("name"));
        Assert.Equal("new words", saved.Str("description"));
        Assert.Equal(["https://new.example/cb", "https://new.example/other"], saved.Strings("redirect_uris"));
    }

    [Fact]
    public async Task DeleteApp_AsksForConfirmation_ThenDeletes()
    {
        var owner = await NewHumanAsync();
        var app = await NewAppAsync(owner);
        var page = await NewPageAsync();
        await LoginAsync(page, owner);

        await page.GotoAsync($"/apps/{app.Id}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Delete this app…" }).ClickAsync();
        Assert.Equal($"Delete {app.Name}?", await page.Locator("h1").InnerTextAsync());
        (await owner.GetAsync($"/api/apps/{app.Id}")).Expect(HttpStatusCode.OK);

        // Cancel keeps it; the button deletes it.
        await page.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        Assert.Equal(BaseUrl + $"/apps/{app.Id}", page.Url);
        await page.GetByRole(AriaRole.Link, new() { Name = "Delete this app…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {app.Name}" }).ClickAsync();

        Assert.Equal(BaseUrl + "/apps?deleted=1", page.Url);
        Assert.Contains("The app was deleted.", await MainTextAsync(page));
        (await owner.GetAsync($"/api/apps/{app.Id}")).Expect(HttpStatusCode.NotFound);
        (await Fixture.WithToken(app.Token, "Bot").GetAsync("/api/me")).Expect(HttpStatusCode.Unauthorized);
        var gone = await page.GotoAsync($"/apps/{app.Id}");
        Assert.Equal(404, gone!.Status);
    }

    [Fact]
    public async Task AnotherOwnersApp_IsNotFound()
    {
        var owner = await NewHumanAsync();
        var app = await NewAppAsync(owner);
        var stranger = await NewHumanAsync();
        var page = await NewPageAsync();
        await LoginAsync(page, stranger);

        var response = await page.GotoAsync($"/apps/{app.Id}");
        Assert.Equal(404, response!.Status);
        Assert.DoesNotContain(app.Name, await page.ContentAsync());
    }

    [Fact]
    public async Task OAuthUrlBuilder_BuildsTheAuthorizeUrl_AndCopiesIt()
    {
        var owner = await NewHumanAsync();
        var receiver = await NewReceiverAsync();
        var app = await NewAppAsync(owner, "https://first.example/cb", receiver.CallbackUri + "?a=1&b=2");
        var page = await NewPageAsync();
        await LoginAsync(page, owner);
        await page.GotoAsync($"/apps/{app.Id}");

        await page.GetByLabel("Redirect URI", new() { Exact = true }).FillAsync(receiver.CallbackUri + "?a=1&b=2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Build URL" }).ClickAsync();
        var expected = AuthorizeUrl(app.Id, receiver.CallbackUri + "?a=1&b=2");
        Assert.Equal(expected, await page.GetByLabel("Authorize URL", new() { Exact = true }).InputValueAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Alert).CountAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Assertions.Expect(page.Locator("#oauth-url-status")).ToHaveTextAsync("Copied to the clipboard.");
        Assert.Equal(expected, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        // The built URL is the real thing: it opens the consent page.
        await page.GotoAsync(expected);
        Assert.Equal($"Add {app.Name} to a panel", await page.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task OAuthUrlBuilder_WarnsAboutAnUnregisteredUri()
    {
        var owner = await NewHumanAsync();
        var app = await NewAppAsync(owner, "https://first.example/cb");
        var page = await NewPageAsync();
        await LoginAsync(page, owner);
        await page.GotoAsync($"/apps/{app.Id}?redirect_uri=" + Uri.EscapeDataString("https://first.example/cb/"));

        Assert.Contains("not registered", await page.GetByRole(AriaRole.Alert).InnerTextAsync());
    }

    [Fact]
    public async Task Pages_WorkWithoutJavaScript_ExceptTheCopyButtonWhichStaysHidden()
    {
        var owner = await NewHumanAsync();
        var app = await NewAppAsync(owner, "https://first.example/cb");
        var context = await Chromium.Browser.NewContextAsync(new() { BaseURL = BaseUrl, JavaScriptEnabled = false });
        try
        {
            var page = await context.NewPageAsync();
            await LoginAsync(page, owner);
            await page.GotoAsync($"/apps/{app.Id}");
            Assert.Equal(AuthorizeUrl(app.Id, "https://first.example/cb"), await page.GetByLabel("Authorize URL", new() { Exact = true }).InputValueAsync());
            Assert.False(await page.Locator("button[data-copy-target]").IsVisibleAsync());
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("No script bot");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
            Assert.Equal("No script bot", (await owner.GetAsync($"/api/apps/{app.Id}")).Expect(HttpStatusCode.OK).Json.Str("name"));
        }
        finally
        {
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task Logout_EndsTheSession()
    {
        var owner = await NewHumanAsync();
        var page = await NewPageAsync();
        await LoginAsync(page, owner);
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "circul_session");

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        Assert.StartsWith(BaseUrl + "/login", page.Url);
        await page.GotoAsync("/apps");
        Assert.StartsWith(BaseUrl + "/login", page.Url);

        // The old cookie, replayed, is revoked on the server too.
        await page.Context.AddCookiesAsync([new() { Name = session.Name, Value = session.Value, Domain = session.Domain, Path = "/" }]);
        await page.GotoAsync("/apps");
        Assert.StartsWith(BaseUrl + "/login", page.Url);
    }
}
