namespace Circul.Silo.Tests;

/// <summary>API.md section 3: avatar and banner uploads and the image routes.</summary>
public sealed class AvatarTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    private const int MaxImageBytes = 2 * 1024 * 1024;

    [Fact]
    public async Task UploadAvatar_WithPng_ReturnsTheUserWhoseAvatarUrlServesTheImage()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        var response = await bot.PostAsync("/api/me/avatar", new { data = TestImages.Base64(TestImages.Png), mime = "image/png" });

        var user = response.ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created).Json;
        ContractShapes.AssertUser(user);
        var url = user.Str("avatar_url");
        Assert.NotEqual("", url);
        Assert.Equal(url, (await bot.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json.Str("avatar_url"));
        var image = await GetImageAsync(url);
        image.Expect(HttpStatusCode.OK);
        Assert.Equal("image/png", image.ContentHeaders.ContentType?.MediaType);
        Assert.Equal(TestImages.Png, image.Body);
    }

    [Theory]
    [InlineData("image/png")]
    [InlineData("image/jpeg")]
    [InlineData("image/gif")]
    [InlineData("image/webp")]
    public async Task UploadAvatar_OfEachSupportedFormat_IsServedWithItsContentType(string mime)
    {
        var human = await NewHumanAsync();
        var bytes = TestImages.ForMime(mime);

        var url = await UploadAsync(human, "avatar", bytes, mime);

        var image = (await GetImageAsync(url)).Expect(HttpStatusCode.OK);
        Assert.Equal(mime, image.ContentHeaders.ContentType?.MediaType);
        Assert.Equal(bytes, image.Body);
    }

    [Fact]
    public async Task GetAvatar_HasAStrongETagAndALongCacheLifetime()
    {
        var human = await NewHumanAsync();
        var url = await UploadAsync(human, "avatar", TestImages.Png, "image/png");

        var image = (await GetImageAsync(url)).Expect(HttpStatusCode.OK);

        var etag = image.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak, $"the ETag should be strong, got {etag}");
        var cache = image.Headers.CacheControl;
        Assert.NotNull(cache);
        Assert.True(cache.MaxAge >= TimeSpan.FromDays(1), $"expected a long cache lifetime, got Cache-Control: {cache}");
    }

    [Fact]
    public async Task GetAvatar_WithMatchingIfNoneMatch_Returns304()
    {
        var human = await NewHumanAsync();
        var url = await UploadAsync(human, "avatar", TestImages.Png, "image/png");
        var etag = (await GetImageAsync(url)).Expect(HttpStatusCode.OK).Headers.ETag!.Tag;

        var revalidated = await GetImageAsync(url, new Dictionary<string, string> { ["If-None-Match"] = etag });

        revalidated.Expect(HttpStatusCode.NotModified);
        Assert.Empty(revalidated.Body);
    }

    [Fact]
    public async Task UploadAvatar_Again_GivesANewUrlServingTheNewImage()
    {
        var human = await NewHumanAsync();
        var first = await UploadAsync(human, "avatar", TestImages.Png, "image/png");

        var second = await UploadAsync(human, "avatar", TestImages.Gif, "image/gif");

        Assert.NotEqual(first, second);
        var image = (await GetImageAsync(second)).Expect(HttpStatusCode.OK);
        Assert.Equal("image/gif", image.ContentHeaders.ContentType?.MediaType);
        Assert.Equal(TestImages.Gif, image.Body);
    }

    [Theory]
    [InlineData("image/jpeg")]
    [InlineData("image/gif")]
    [InlineData("image/webp")]
    public async Task UploadAvatar_WhoseBytesDoNotMatchTheMime_Returns400AndKeepsTheOldAvatar(string mime)
    {
        var human = await NewHumanAsync();
        var before = await UploadAsync(human, "avatar", TestImages.Png, "image/png");

        var response = await human.PostAsync("/api/me/avatar", new { data = TestImages.Base64(TestImages.Png), mime });

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Equal(before, (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json.Str("avatar_url"));
    }

    [Theory]
    [InlineData("image/bmp")]
    [InlineData("text/plain")]
    [InlineData("")]
    public async Task UploadAvatar_WithUnsupportedMime_Returns400(string mime)
    {
        var human = await NewHumanAsync();

        var response = await human.PostAsync("/api/me/avatar", new { data = TestImages.Base64(TestImages.Png), mime });

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Equal("", (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json.Str("avatar_url"));
    }

    [Fact]
    public async Task UploadAvatar_WithInvalidBase64_Returns400()
    {
        var human = await NewHumanAsync();

        var response = await human.PostAsync("/api/me/avatar", new { data = "!!! this is not base64 !!!", mime = "image/png" });

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Equal("", (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json.Str("avatar_url"));
    }

    [Fact]
    public async Task UploadAvatar_DecodedOverMaxImageBytes_Returns413()
    {
        var human = await NewHumanAsync();

        var response = await human.PostAsync("/api/me/avatar", new { data = TestImages.Base64(TestImages.PngOfSize(MaxImageBytes + 1)), mime = "image/png" });

        response.ExpectError(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("", (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json.Str("avatar_url"));
    }

    [Fact]
    public async Task UploadAvatar_OfExactlyMaxImageBytes_IsAcceptedAlthoughTheBodyExceedsOneMiB()
    {
        var human = await NewHumanAsync();

        var url = await UploadAsync(human, "avatar", TestImages.PngOfSize(MaxImageBytes), "image/png");

        Assert.Equal(MaxImageBytes, (await GetImageAsync(url)).Expect(HttpStatusCode.OK).Body.Length);
    }

    [Fact]
    public async Task DeleteAvatar_ClearsTheAvatarUrl()
    {
        var human = await NewHumanAsync();
        await UploadAsync(human, "avatar", TestImages.Png, "image/png");

        var response = await human.DeleteAsync("/api/me/avatar");

        response.Expect(HttpStatusCode.NoContent);
        Assert.Equal("", (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json.Str("avatar_url"));
    }

    [Fact]
    public async Task UploadBanner_ServesItUnderBanners_AndDeleteClearsIt()
    {
        var human = await NewHumanAsync();

        var url = await UploadAsync(human, "banner", TestImages.Png, "image/png");

        Assert.Contains("/banners/", url, StringComparison.Ordinal);
        var image = (await GetImageAsync(url)).Expect(HttpStatusCode.OK);
        Assert.Equal("image/png", image.ContentHeaders.ContentType?.MediaType);
        Assert.Equal(TestImages.Png, image.Body);
        Assert.Equal("", (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json.Str("avatar_url"));
        (await human.DeleteAsync("/api/me/banner")).Expect(HttpStatusCode.NoContent);
        Assert.Equal("", (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json.Str("banner_url"));
    }

    [Fact]
    public async Task UploadBanner_WithMismatchedMagic_Returns400()
    {
        var human = await NewHumanAsync();

        var response = await human.PostAsync("/api/me/banner", new { data = TestImages.Base64(TestImages.Gif), mime = "image/png" });

        response.ExpectError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UploadBanner_DecodedOverMaxImageBytes_Returns413()
    {
        var human = await NewHumanAsync();

        var response = await human.PostAsync("/api/me/banner", new { data = TestImages.Base64(TestImages.PngOfSize(MaxImageBytes + 1)), mime = "image/png" });

        response.ExpectError(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task GetAvatar_UnknownFile_Returns404()
    {
        var response = await Fixture.Anonymous().GetAsync("/avatars/does-not-exist.png");

        response.Expect(HttpStatusCode.NotFound);
    }

    private async Task<string> UploadAsync(BotClient user, string kind, byte[] bytes, string mime)
    {
        var response = await user.PostAsync($"/api/me/{kind}", new { data = TestImages.Base64(bytes), mime });
        var url = response.ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created).Json.Str($"{kind}_url");
        Assert.NotEqual("", url);
        return url;
    }

    private Task<ApiResponse> GetImageAsync(string url, Dictionary<string, string>? headers = null)
    {
        var absolute = new Uri(Fixture.Silo.BaseUri, url);
        return Fixture.Anonymous().GetAsync(absolute.PathAndQuery, headers);
    }
}
