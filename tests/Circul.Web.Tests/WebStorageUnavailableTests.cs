namespace Circul.Web.Tests;

/// <summary>With the database unreachable the pages answer a 503 page at once (with <c>Retry-After</c>), not a 500 or
/// the API's JSON.</summary>
public sealed class WebStorageUnavailableTests
{
    [Fact]
    public async Task Pages_WithTheDatabaseUnreachable_Answer503PagesAtOnce()
    {
        var settings = SiloFixture.Merge(SiloFixture.BaseSettings(), new Dictionary<string, string?>
        {
            ["Circul:Storage:Provider"] = "postgres",
            ["Circul:Storage:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=circul;Database=circul;Timeout=2",
        });
        await using var silo = await RunningSilo.StartAsync(settings);
        using var web = new WebHttpClient(silo.BaseUrl);

        foreach (var path in new[] { "/login", "/apps", "/apps/bot-x", "/oauth/authorize?bot_id=bot-x&redirect_uri=https%3A%2F%2Fa.example%2F" })
        {
            var page = await web.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.Status);
            Assert.Equal("text/html", page.ContentHeaders.ContentType!.MediaType);
            Assert.Equal("1", page.Headers.RetryAfter!.ToString());
            Assert.Contains("Try again in a moment", page.Html);
        }

        var post = await web.PostFormAsync("/login", [new("username", "a"), new("password", "b")]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.Status);
    }
}
