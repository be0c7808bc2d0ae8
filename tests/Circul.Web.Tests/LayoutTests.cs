namespace Circul.Web.Tests;

/// <summary>Renders the pages at a phone's and a desktop's width and checks nothing overflows sideways; with
/// <c>CIRCUL_WEB_SCREENSHOTS=dir</c> it also saves the screenshots there for a person to look at.</summary>
public sealed class LayoutTests(WebSiloFixture fixture, Chromium chromium)
    : WebTestBase(fixture, chromium), IClassFixture<WebSiloFixture>, IClassFixture<Chromium>
{
    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    public async Task Pages_FitTheViewport_OnAPhoneAndADesktop(int width, int height)
    {
        var owner = await NewHumanAsync();
        var app = await NewAppAsync(owner, "https://a-rather-long-host-name.example/oauth/callback/path?with=query&and=more");
        await NewPanelAsync(owner);
        var page = await NewPageAsync();
        await page.SetViewportSizeAsync(width, height);
        await page.GotoAsync("/login");
        await Shot(page, $"login-{width}");
        await SubmitLoginAsync(page, owner);
        await Shot(page, $"apps-{width}");
        await page.GotoAsync($"/apps/{app.Id}");
        await Shot(page, $"app-{width}");
        await page.GotoAsync(AuthorizeUrl(app.Id, "https://a-rather-long-host-name.example/oauth/callback/path?with=query&and=more"));
        await Shot(page, $"consent-{width}");
    }

    private static async Task Shot(IPage page, string name)
    {
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, $"{name}: the page is wider than the viewport");
        if (Environment.GetEnvironmentVariable("CIRCUL_WEB_SCREENSHOTS") is { Length: > 0 } dir)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png"), FullPage = true });
        }
    }
}
