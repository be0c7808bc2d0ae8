namespace Circul.Silo.Tests.Hardening;

/// <summary>
/// Issue 10, item 5: every answer carries <c>X-Content-Type-Options: nosniff</c>; every <c>/api</c> answer, and in
/// particular each one that carries a secret (register, login, app create, token reset), carries
/// <c>Cache-Control: no-store</c>. Images keep their long cache lifetime.
/// </summary>
public sealed class SecurityHeadersTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task SecretBearingAnswers_CarryNoStoreAndNosniff()
    {
        var name = SiloFixture.RandomName("h");
        var register = (await Fixture.Anonymous().PostAsync("/api/auth/register", new { username = name, password = SiloFixture.Password })).Expect(HttpStatusCode.Created);
        var login = (await Fixture.Anonymous().PostAsync("/api/auth/login", new { username = name, password = SiloFixture.Password })).Expect(HttpStatusCode.OK);
        var human = Fixture.WithToken(login.Json.Str("token"), "Bearer");
        var app = (await human.PostAsync("/api/apps", new { name = SiloFixture.RandomName("b") })).Expect(HttpStatusCode.Created);
        var reset = (await human.PostAsync($"/api/apps/{app.Json.Prop("app").Str("id")}/token/reset")).Expect(HttpStatusCode.OK);

        foreach (var response in new[] { register, login, app, reset })
        {
            Assert.True(response.Json.Has("token"), $"{response.Describe()} should carry a token");
            AssertNoStore(response);
            AssertNosniff(response);
        }
    }

    [Fact]
    public async Task EveryApiAnswer_SuccessOrError_CarriesNoStoreAndNosniff()
    {
        var human = await NewHumanAsync();

        var answers = new[]
        {
            (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK),
            (await human.GetAsync("/api/conversations")).Expect(HttpStatusCode.OK),
            (await human.PatchAsync("/api/me", new { bio = "hello" })).Expect(HttpStatusCode.OK),
            (await human.DeleteAsync("/api/me/avatar")).Expect(HttpStatusCode.NoContent),
            (await human.GetAsync("/api/users/u-doesnotexist")).Expect(HttpStatusCode.NotFound),
            (await human.GetAsync("/api/no-such-route")).Expect(HttpStatusCode.NotFound),
            (await human.SendAsync(new HttpMethod("ZZQA"), "/api/me", null)).ExpectOneOf(HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed),
            (await human.SendRawAsync(HttpMethod.Post, "/api/groups", "{not json")).Expect(HttpStatusCode.BadRequest),
            (await Fixture.WithToken("cu_not-a-token", "Bearer").GetAsync("/api/me")).Expect(HttpStatusCode.Unauthorized),
        };

        foreach (var response in answers)
        {
            AssertNoStore(response);
            AssertNosniff(response);
        }
    }

    [Fact]
    public async Task NonApiAnswers_CarryNosniff_AndImagesKeepTheirCacheLifetime()
    {
        var human = await NewHumanAsync();
        var upload = await human.PostAsync("/api/me/avatar", new { data = TestImages.Base64(TestImages.Png), mime = "image/png" });
        var avatar = new Uri(upload.Expect(HttpStatusCode.OK).Json.Str("avatar_url"), UriKind.RelativeOrAbsolute);
        var avatarPath = avatar.IsAbsoluteUri ? avatar.AbsolutePath : avatar.OriginalString;

        var image = (await Fixture.Anonymous().GetAsync(avatarPath)).Expect(HttpStatusCode.OK);
        var metrics = (await Fixture.Anonymous().GetAsync("/metrics")).Expect(HttpStatusCode.OK);
        var health = (await Fixture.Anonymous().GetAsync("/healthz")).Expect(HttpStatusCode.OK);

        foreach (var response in new[] { image, metrics, health })
        {
            AssertNosniff(response);
        }

        Assert.True(image.Headers.CacheControl is { NoStore: false, MaxAge: not null } cache && cache.MaxAge >= TimeSpan.FromDays(1),
            $"the image should keep its long cache lifetime, got Cache-Control: {image.Headers.CacheControl}");
    }

    [Fact]
    public async Task RefusedGatewayHandshake_CarriesNoStoreAndNosniff()
    {
        await using var refused = await RawWebSocketClient.ConnectAsync(Fixture.Silo.BaseUri, "cb_not-a-token");

        Assert.Equal(401, refused.Status);
        Assert.Contains("X-Content-Type-Options: nosniff", refused.Headers, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Cache-Control: no-store", refused.Headers, StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertNoStore(ApiResponse response) =>
        Assert.True(response.Headers.CacheControl?.NoStore == true, $"{response.Describe()} should carry Cache-Control: no-store, got '{response.Headers.CacheControl}'");

    private static void AssertNosniff(ApiResponse response) =>
        Assert.True(response.Header("X-Content-Type-Options") == "nosniff", $"{response.Describe()} should carry X-Content-Type-Options: nosniff, got '{response.Header("X-Content-Type-Options")}'");
}
