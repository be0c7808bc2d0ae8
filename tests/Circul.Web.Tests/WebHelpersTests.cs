using Circul.Silo.Web;

namespace Circul.Web.Tests;

/// <summary>The pure helpers behind the redirects: where a login may return to, and how the answer's parameters are
/// appended to a registered redirect URI.</summary>
public sealed class WebHelpersTests
{
    [Theory]
    [InlineData("/apps/bot-1", "/apps/bot-1")]
    [InlineData("/oauth/authorize?bot_id=bot-1&redirect_uri=https%3A%2F%2Fa.example%2F", "/oauth/authorize?bot_id=bot-1&redirect_uri=https%3A%2F%2Fa.example%2F")]
    [InlineData("/", "/")]
    [InlineData(null, "/apps")]
    [InlineData("", "/apps")]
    [InlineData("//evil.example", "/apps")]
    [InlineData("/\\evil.example", "/apps")]
    [InlineData("/a\\b", "/apps")]
    [InlineData("\\\\evil.example", "/apps")]
    [InlineData("https://evil.example/", "/apps")]
    [InlineData("http:evil.example", "/apps")]
    [InlineData("javascript:alert(1)", "/apps")]
    [InlineData("/\t/evil.example", "/apps")]
    [InlineData("/\n/evil.example", "/apps")]
    [InlineData("/ü", "/apps")]
    [InlineData("apps", "/apps")]
    public void ReturnUrl_OnlyLocalPathsPass(string? returnUrl, string expected) =>
        Assert.Equal(expected, LocalReturnUrl.Sanitize(returnUrl));

    [Theory]
    [InlineData("https://a.example/cb", "https://a.example/cb?panel_id=panel-1&panel_name=My%20Server%20%26%20Co%3F&bot=B%C3%B6t%2B1")]
    [InlineData("https://a.example/cb?x=1", "https://a.example/cb?x=1&panel_id=panel-1&panel_name=My%20Server%20%26%20Co%3F&bot=B%C3%B6t%2B1")]
    [InlineData("https://a.example/cb?", "https://a.example/cb?panel_id=panel-1&panel_name=My%20Server%20%26%20Co%3F&bot=B%C3%B6t%2B1")]
    [InlineData("https://a.example/cb?x=1&", "https://a.example/cb?x=1&panel_id=panel-1&panel_name=My%20Server%20%26%20Co%3F&bot=B%C3%B6t%2B1")]
    public void WithQuery_AppendsEncodedParameters_ToTheRegisteredUri(string registered, string expected) =>
        Assert.Equal(expected, OAuthPages.WithQuery(registered, [("panel_id", "panel-1"), ("panel_name", "My Server & Co?"), ("bot", "Böt+1")]));

    [Fact]
    public void FormTokens_DependOnTheSecret_AndDifferBetweenSessionAndLogin()
    {
        Assert.Equal(AntiForgery.ForSession("cw_a"), AntiForgery.ForSession("cw_a"));
        Assert.NotEqual(AntiForgery.ForSession("cw_a"), AntiForgery.ForSession("cw_b"));
        Assert.NotEqual(AntiForgery.ForSession("x"), AntiForgery.ForLogin("x"));
        Assert.True(AntiForgery.Matches(AntiForgery.ForSession("cw_a"), AntiForgery.ForSession("cw_a")));
        Assert.False(AntiForgery.Matches("", AntiForgery.ForSession("cw_a")));
        Assert.False(AntiForgery.Matches(null, AntiForgery.ForSession("cw_a")));
    }
}
