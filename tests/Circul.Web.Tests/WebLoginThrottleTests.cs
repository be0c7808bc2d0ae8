namespace Circul.Web.Tests;

/// <summary>The login form and <c>POST /api/auth/login</c> share one throttle.</summary>
public sealed class WebLoginThrottleTests(LongLockSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<LongLockSiloFixture>
{
    [Fact]
    public async Task FailuresThroughTheApi_LockTheLoginForm_EvenWithTheRightPassword()
    {
        var human = await NewHumanAsync();
        for (var i = 0; i < 3; i++)
        {
            (await Fixture.Anonymous().PostAsync("/api/auth/login", new { username = human.Name, password = "wrong-password" }))
                .Expect(HttpStatusCode.Unauthorized);
        }

        using var web = new WebHttpClient(Fixture.BaseUrl);
        var login = await web.LoginAsync(human.Name, SiloFixture.Password);

        Assert.Equal((HttpStatusCode)429, login.Status);
        Assert.True(login.Headers.RetryAfter is not null, "Retry-After on the locked login form");
        Assert.Contains("Too many failed logins", login.Html);
        Assert.False(web.Cookies.ContainsKey("circul_session"));
    }

    [Fact]
    public async Task FailuresThroughTheLoginForm_LockTheApiLogin()
    {
        var human = await NewHumanAsync();
        using var web = new WebHttpClient(Fixture.BaseUrl);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await web.LoginAsync(human.Name, "wrong-password")).Status);
        }

        (await Fixture.Anonymous().PostAsync("/api/auth/login", new { username = human.Name, password = SiloFixture.Password }))
            .Expect((HttpStatusCode)429);
    }
}
