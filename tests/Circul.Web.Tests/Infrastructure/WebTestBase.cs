using System.Text.RegularExpressions;

namespace Circul.Web.Tests.Infrastructure;

/// <summary>Helpers of the browser tests: people, apps and panels made through the REST API, pages driven through
/// chromium.</summary>
public abstract partial class WebTestBase : SiloTestBase, IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<RedirectReceiver> _receivers = [];

    protected WebTestBase(WebSiloFixture fixture, Chromium chromium)
        : base(fixture)
    {
        Web = fixture;
        Chromium = chromium;
    }

    protected WebSiloFixture Web { get; }

    protected Chromium Chromium { get; }

    protected string BaseUrl => Web.BaseUrl;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        foreach (var receiver in _receivers)
        {
            await receiver.DisposeAsync();
        }
    }

    /// <summary>A new page in a fresh browser profile.</summary>
    protected async Task<IPage> NewPageAsync()
    {
        var context = await Chromium.NewContextAsync(BaseUrl);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    protected async Task<RedirectReceiver> NewReceiverAsync()
    {
        var receiver = await RedirectReceiver.StartAsync();
        _receivers.Add(receiver);
        return receiver;
    }

    /// <summary>Fills and submits the login form the page shows now.</summary>
    protected static async Task SubmitLoginAsync(IPage page, BotClient human)
    {
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(human.Name);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(SiloFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await page.WaitForLoadStateAsync();
    }

    protected async Task LoginAsync(IPage page, BotClient human)
    {
        await page.GotoAsync("/login");
        await SubmitLoginAsync(page, human);
        Assert.StartsWith(BaseUrl + "/apps", page.Url);
    }

    /// <summary>An app of <paramref name="owner"/> with these redirect URIs: its id and token.</summary>
    protected static async Task<(string Id, string Name, string Token)> NewAppAsync(BotClient owner, params string[] redirectUris)
    {
        var name = SiloFixture.RandomName("app");
        var created = (await owner.PostAsync("/api/apps", new { name, redirect_uris = redirectUris })).Expect(HttpStatusCode.Created).Json;
        return (created.Prop("app").Str("id"), name, created.Str("token"));
    }

    protected static async Task<(string Id, string Name)> NewPanelAsync(BotClient owner)
    {
        var name = SiloFixture.RandomName("Panel ");
        var panel = (await owner.PostAsync("/api/panels", new { name })).Expect(HttpStatusCode.Created).Json;
        return (panel.Str("id"), name);
    }

    protected static async Task<string[]> MemberIdsAsync(BotClient member, string panelId) =>
        (await member.GetAsync($"/api/panels/{panelId}/members")).Expect(HttpStatusCode.OK).Json.Ids();

    protected string AuthorizeUrl(string botId, string redirectUri) =>
        $"{BaseUrl}/oauth/authorize?bot_id={Uri.EscapeDataString(botId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}";

    /// <summary>The query of a URL as name/value pairs (decoded).</summary>
    protected static Dictionary<string, string> QueryOf(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""));

    /// <summary>The visible text of the page's main region.</summary>
    protected static Task<string> MainTextAsync(IPage page) => page.Locator("main").InnerTextAsync();

    protected static string Squash(string text) => SpacesRegex().Replace(text, " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex SpacesRegex();
}
