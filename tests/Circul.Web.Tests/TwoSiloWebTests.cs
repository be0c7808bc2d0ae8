namespace Circul.Web.Tests;

/// <summary>The web pages in a cluster: the session cookie, the form tokens and the OAuth state made on one silo are
/// good on the other (they live in the shared database or derive from the cookie), and a state is single-use across
/// silos.</summary>
public sealed class TwoSiloWebTests : IClassFixture<TwoSiloWebFixture>
{
    private readonly TwoSiloWebFixture _cluster;

    public TwoSiloWebTests(TwoSiloWebFixture cluster)
    {
        _cluster = cluster;
        cluster.ThrowIfUnavailable();
    }

    [Fact]
    public async Task ConsentRenderedBySiloA_IsAuthorizedThroughSiloB_AndTheStateCannotBeReusedOnEither()
    {
        var (a, b) = (_cluster.Silos[0], _cluster.Silos[1]);
        var human = await RegisterAsync(a);
        var app = (await human.PostAsync("/api/apps", new { name = "Clustered bot", redirect_uris = new[] { "https://bot.example/cb" } }))
            .Expect(HttpStatusCode.Created).Json.Prop("app").Str("id");
        var first = (await human.PostAsync("/api/panels", new { name = "first" })).Expect(HttpStatusCode.Created).Json.Str("id");
        var second = (await human.PostAsync("/api/panels", new { name = "second" })).Expect(HttpStatusCode.Created).Json.Str("id");

        using var onA = new WebHttpClient(a.BaseUrl);
        Assert.Equal(HttpStatusCode.Redirect, (await onA.LoginAsync(human.Name, SiloFixture.Password)).Status);
        var consent = await onA.GetAsync($"/oauth/authorize?bot_id={app}&redirect_uri={Uri.EscapeDataString("https://bot.example/cb")}");
        Assert.Equal(HttpStatusCode.OK, consent.Status);

        using var onB = new WebHttpClient(b.BaseUrl);
        onB.SetCookie("circul_session", onA.Cookies["circul_session"]);
        KeyValuePair<string, string>[] form = [new("_csrf", consent.FormToken()), new("state", consent.Hidden("state")), new("action", "authorize")];
        var authorized = await onB.PostFormAsync("/oauth/authorize", [.. form, new("panel_id", first)]);
        Assert.Equal(HttpStatusCode.Redirect, authorized.Status);
        Assert.Equal($"https://bot.example/cb?panel_id={first}&panel_name=first&bot=Clustered%20bot", authorized.Location);

        Assert.Equal(HttpStatusCode.BadRequest, (await onA.PostFormAsync("/oauth/authorize", [.. form, new("panel_id", second)])).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await onB.PostFormAsync("/oauth/authorize", [.. form, new("panel_id", second)])).Status);
        Assert.Contains(app, (await human.GetAsync($"/api/panels/{first}/members")).Expect(HttpStatusCode.OK).Json.Ids());
        Assert.DoesNotContain(app, (await human.GetAsync($"/api/panels/{second}/members")).Expect(HttpStatusCode.OK).Json.Ids());
    }

    [Fact]
    public async Task LogoutThroughSiloB_EndsTheSessionOnSiloA()
    {
        var (a, b) = (_cluster.Silos[0], _cluster.Silos[1]);
        var human = await RegisterAsync(b);
        using var onA = new WebHttpClient(a.BaseUrl);
        await onA.LoginAsync(human.Name, SiloFixture.Password);
        var page = await onA.GetAsync("/apps");
        Assert.Equal(HttpStatusCode.OK, page.Status);

        using var onB = new WebHttpClient(b.BaseUrl);
        onB.SetCookie("circul_session", onA.Cookies["circul_session"]);
        Assert.Equal(HttpStatusCode.Redirect, (await onB.PostFormAsync("/logout", [new("_csrf", page.FormToken())])).Status);

        var after = await onA.GetAsync("/apps");
        Assert.Equal(HttpStatusCode.Redirect, after.Status);
        Assert.StartsWith("/login", after.Location);
    }

    private static async Task<BotClient> RegisterAsync(RunningSilo silo)
    {
        var name = SiloFixture.RandomName("h");
        var json = (await new BotClient(silo, null, null).PostAsync("/api/auth/register", new { username = name, password = SiloFixture.Password }))
            .Expect(HttpStatusCode.Created).Json;
        var client = new BotClient(silo, json.Str("token"), "Bearer");
        client.SetUser(json.Prop("user"));
        return client;
    }
}
