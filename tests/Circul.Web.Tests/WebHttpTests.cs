namespace Circul.Web.Tests;

/// <summary>The pages' security at the HTTP level, without a browser: anti-forgery refusals, cookie flags, headers.</summary>
public sealed class WebHttpTests(WebSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<WebSiloFixture>
{
    private string BaseUrl => Fixture.BaseUrl;

    [Fact]
    public async Task Login_SetsAnHttpOnlyLaxSessionCookie_NotSecureOverPlainHttp()
    {
        var human = await NewHumanAsync();
        using var web = new WebHttpClient(BaseUrl);

        var login = await web.LoginAsync(human.Name, SiloFixture.Password);

        Assert.Equal(HttpStatusCode.Redirect, login.Status);
        Assert.Equal("/apps", login.Location);
        var cookie = Assert.Single(login.SetCookies, c => c.StartsWith("circul_session=cw_", StringComparison.Ordinal));
        var flags = cookie.ToLowerInvariant();
        Assert.Contains("; httponly", flags);
        Assert.Contains("; samesite=lax", flags);
        Assert.Contains("; path=/", flags);
        Assert.DoesNotContain("; secure", flags);
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync("/apps")).Status);
    }

    [Fact]
    public async Task Login_BehindAnHttpsProxy_SetsASecureCookie()
    {
        var human = await NewHumanAsync();
        using var web = new WebHttpClient(BaseUrl);
        web.Headers["X-Forwarded-Proto"] = "https";

        var login = await web.LoginAsync(human.Name, SiloFixture.Password);

        var cookie = Assert.Single(login.SetCookies, c => c.StartsWith("circul_session=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("; secure", cookie);
        Assert.Contains("; httponly", cookie);
        Assert.Contains("; samesite=lax", cookie);
    }

    [Fact]
    public async Task Login_WithoutTheFormToken_IsRefused_AndStartsNoSession()
    {
        var human = await NewHumanAsync();
        using var web = new WebHttpClient(BaseUrl);
        var form = await web.GetAsync("/login");

        var noToken = await web.PostFormAsync("/login", [new("username", human.Name), new("password", SiloFixture.Password)]);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.Status);

        // A token without its cookie (a cross-site page cannot send the SameSite=Strict cookie) is refused too.
        var token = form.FormToken();
        web.RemoveCookie("circul_login");
        var noCookie = await web.PostFormAsync("/login", [new("_csrf", token), new("username", human.Name), new("password", SiloFixture.Password)]);
        Assert.Equal(HttpStatusCode.BadRequest, noCookie.Status);
        Assert.False(web.Cookies.ContainsKey("circul_session"));
    }

    [Fact]
    public async Task PostsWithoutTheSessionFormToken_AreRefused_AndChangeNothing()
    {
        var human = await NewHumanAsync();
        var app = (await human.PostAsync("/api/apps", new { name = "kept", redirect_uris = new[] { "https://a.example/cb" } })).Expect(HttpStatusCode.Created).Json;
        var appId = app.Prop("app").Str("id");
        using var web = new WebHttpClient(BaseUrl);
        await web.LoginAsync(human.Name, SiloFixture.Password);
        var page = await web.GetAsync("/apps");
        var token = page.FormToken();

        KeyValuePair<string, string>[] forged = [new("_csrf", "forged" + token[6..])];
        Assert.Equal(HttpStatusCode.BadRequest, (await web.PostFormAsync("/apps", [.. forged, new("name", "new app")])).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await web.PostFormAsync("/apps", [new("name", "new app")])).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await web.PostFormAsync($"/apps/{appId}", [.. forged, new("name", "renamed")])).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await web.PostFormAsync($"/apps/{appId}/token", forged)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await web.PostFormAsync($"/apps/{appId}/delete", forged)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await web.PostFormAsync("/logout", forged)).Status);

        var apps = (await human.GetAsync("/api/apps")).Expect(HttpStatusCode.OK).Json.Items();
        Assert.Equal("kept", Assert.Single(apps).Str("name"));
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync("/apps")).Status);

        // With the token the same post works (the refusals above were about the token only).
        var created = await web.PostFormAsync("/apps", [new("_csrf", token), new("name", "new app")]);
        Assert.Equal(HttpStatusCode.Created, created.Status);
    }

    [Fact]
    public async Task AnotherSessionsFormToken_IsRefused()
    {
        var human = await NewHumanAsync();
        using var first = new WebHttpClient(BaseUrl);
        await first.LoginAsync(human.Name, SiloFixture.Password);
        using var second = new WebHttpClient(BaseUrl);
        await second.LoginAsync(human.Name, SiloFixture.Password);
        var firstToken = (await first.GetAsync("/apps")).FormToken();

        var post = await second.PostFormAsync("/apps", [new("_csrf", firstToken), new("name", "cross")]);

        Assert.Equal(HttpStatusCode.BadRequest, post.Status);
        Assert.Empty((await human.GetAsync("/api/apps")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Fact]
    public async Task OAuthPost_WithoutTheFormToken_IsRefused_AndTheBotDoesNotJoin()
    {
        var human = await NewHumanAsync();
        var app = (await human.PostAsync("/api/apps", new { name = "b", redirect_uris = new[] { "https://a.example/cb" } })).Expect(HttpStatusCode.Created).Json;
        var botId = app.Prop("app").Str("id");
        var panelId = (await human.PostAsync("/api/panels", new { name = "p" })).Expect(HttpStatusCode.Created).Json.Str("id");
        using var web = new WebHttpClient(BaseUrl);
        await web.LoginAsync(human.Name, SiloFixture.Password);
        var consent = await web.GetAsync($"/oauth/authorize?bot_id={botId}&redirect_uri={Uri.EscapeDataString("https://a.example/cb")}");
        Assert.Equal(HttpStatusCode.OK, consent.Status);
        Assert.Contains("form-action 'self' https://a.example", consent.Headers.GetValues("Content-Security-Policy").Single());
        var state = consent.Hidden("state");

        var refused = await web.PostFormAsync("/oauth/authorize", [new("state", state), new("panel_id", panelId), new("action", "authorize")]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Null(refused.Location);
        Assert.DoesNotContain(botId, (await human.GetAsync($"/api/panels/{panelId}/members")).Expect(HttpStatusCode.OK).Json.Ids());

        // The refusal did not use the state: with the token the same request goes through.
        var accepted = await web.PostFormAsync("/oauth/authorize", [new("_csrf", consent.FormToken()), new("state", state), new("panel_id", panelId), new("action", "authorize")]);
        Assert.Equal(HttpStatusCode.Redirect, accepted.Status);
        Assert.Equal($"https://a.example/cb?panel_id={panelId}&panel_name=p&bot=b", accepted.Location);
    }

    [Fact]
    public async Task Pages_CarryCspNoFramingAndNoStore_AndEncodeWhatTheyShow()
    {
        var human = await NewHumanAsync();
        (await human.PostAsync("/api/apps", new { name = "<script>alert(1)</script>" })).Expect(HttpStatusCode.Created);
        using var web = new WebHttpClient(BaseUrl);
        await web.LoginAsync(human.Name, SiloFixture.Password);

        var page = await web.GetAsync("/apps");

        Assert.Equal("text/html; charset=utf-8", page.ContentHeaders.ContentType!.ToString());
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-store", page.Headers.CacheControl!.ToString());
        Assert.DoesNotContain("<script>alert(1)</script>", page.Html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page.Html);
        Assert.DoesNotContain("<script>", page.Html.Replace("<script src=\"/web/copy.js\" defer></script>", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABotTokenOrAnApiSessionTokenAsTheCookie_IsNotASession()
    {
        var human = await NewHumanAsync();
        var bot = await NewBotAsync(human);
        using var web = new WebHttpClient(BaseUrl);

        web.SetCookie("circul_session", bot.Token!);
        Assert.Equal(HttpStatusCode.Redirect, (await web.GetAsync("/apps")).Status);
        web.SetCookie("circul_session", human.Token!);
        var page = await web.GetAsync("/apps");
        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.StartsWith("/login", page.Location);
    }

    [Fact]
    public async Task TheSessionCookie_IsNotAnApiToken()
    {
        var human = await NewHumanAsync();
        using var web = new WebHttpClient(BaseUrl);
        await web.LoginAsync(human.Name, SiloFixture.Password);
        var secret = web.Cookies["circul_session"];

        (await Fixture.WithToken(secret, "Bearer").GetAsync("/api/me")).Expect(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_RevokesTheSessionOnTheServer()
    {
        var human = await NewHumanAsync();
        using var web = new WebHttpClient(BaseUrl);
        await web.LoginAsync(human.Name, SiloFixture.Password);
        var secret = web.Cookies["circul_session"];
        var token = (await web.GetAsync("/logout")).FormToken();

        var logout = await web.PostFormAsync("/logout", [new("_csrf", token)]);

        Assert.Equal(HttpStatusCode.Redirect, logout.Status);
        using var replay = new WebHttpClient(BaseUrl);
        replay.SetCookie("circul_session", secret);
        Assert.Equal(HttpStatusCode.Redirect, (await replay.GetAsync("/apps")).Status);
    }

    [Theory]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("/%09/evil.example")]
    public async Task LoginReturnUrl_OffSite_RedirectsToMyApps(string returnUrl)
    {
        var human = await NewHumanAsync();
        using var web = new WebHttpClient(BaseUrl);

        var login = await web.LoginAsync(human.Name, SiloFixture.Password, Uri.UnescapeDataString(returnUrl));

        Assert.Equal(HttpStatusCode.Redirect, login.Status);
        Assert.Equal("/apps", login.Location);
    }

    [Fact]
    public async Task ApiErrorsStayJson_AndPagesErrorsAreHtml()
    {
        using var web = new WebHttpClient(BaseUrl);
        var page = await web.GetAsync("/oauth/authorize?bot_id=bot-nope&redirect_uri=https%3A%2F%2Fa.example%2F");
        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.StartsWith("text/html", page.ContentHeaders.ContentType!.MediaType);
        Assert.Null(page.Location);

        web.Headers["Accept"] = "application/json";
        var json = await web.GetAsync("/oauth/authorize?bot_id=bot-nope&redirect_uri=https%3A%2F%2Fa.example%2F");
        Assert.Equal(HttpStatusCode.NotFound, json.Status);
        Assert.Equal("There is no application with this bot_id.", JsonDocument.Parse(json.Html).RootElement.Str("error"));

        var api = await web.GetAsync("/api/apps");
        Assert.Equal(HttpStatusCode.Unauthorized, api.Status);
        Assert.StartsWith("application/json", api.ContentHeaders.ContentType!.MediaType);
    }
}
