namespace Circul.Web.Tests;

/// <summary>The consent form's state expires after 15 minutes, on the web pages' clock (moved by the test, no sleep).
/// A class of its own: moving the clock must not expire other tests' states.</summary>
public sealed class OAuthStateExpiryTests(WebSiloFixture fixture, Chromium chromium)
    : WebTestBase(fixture, chromium), IClassFixture<WebSiloFixture>, IClassFixture<Chromium>
{
    [Fact]
    public async Task StateOlderThan15Minutes_ShowsErrorPage_AndAddsNothing_ButOneJustInTimeWorks()
    {
        var receiver = await NewReceiverAsync();
        var developer = await NewHumanAsync();
        var app = await NewAppAsync(developer, receiver.CallbackUri);
        var admin = await NewHumanAsync();
        var panel = await NewPanelAsync(admin);
        var page = await NewPageAsync();
        await LoginAsync(page, admin);

        await page.GotoAsync(AuthorizeUrl(app.Id, receiver.CallbackUri));
        Web.WebTime.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        await page.GetByLabel("Panel", new() { Exact = true }).SelectOptionAsync(panel.Id);
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync(), r => r.Request.Method == "POST");

        Assert.Equal(400, response.Status);
        Assert.Contains("expired", await MainTextAsync(page));
        Assert.DoesNotContain(app.Id, await MemberIdsAsync(admin, panel.Id));
        Assert.Empty(receiver.Requests);

        // A fresh consent page submitted just before its 15 minutes are up still works.
        await page.GotoAsync(AuthorizeUrl(app.Id, receiver.CallbackUri));
        Web.WebTime.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        await page.GetByLabel("Panel", new() { Exact = true }).SelectOptionAsync(panel.Id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync();
        Assert.Equal(panel.Id, QueryOf(await receiver.FirstRequestAsync())["panel_id"]);
        Assert.Contains(app.Id, await MemberIdsAsync(admin, panel.Id));
    }
}
