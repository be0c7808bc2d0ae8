using System.Diagnostics;
using System.Globalization;

namespace Circul.Silo.Tests;

/// <summary>API.md section 1: Discord-style rate limits at the default 10 sends/s per room and 50 requests/s.</summary>
public sealed class RateLimitTests(RateLimitedSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<RateLimitedSiloFixture>
{
    private static readonly string[] RateLimitHeaders =
        ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Reset-After", "X-RateLimit-Bucket"];

    [Fact]
    public async Task SuccessfulSend_CarriesEveryXRateLimitHeader()
    {
        var world = await NewBotsInDmAsync();

        var response = (await world.A.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = "counted" })).Expect(HttpStatusCode.Created);

        AssertRateLimitHeaders(response);
        Assert.Equal(10, int.Parse(response.Header("X-RateLimit-Limit")!, CultureInfo.InvariantCulture));
        Assert.InRange(int.Parse(response.Header("X-RateLimit-Remaining")!, CultureInfo.InvariantCulture), 0, 9);
        var reset = double.Parse(response.Header("X-RateLimit-Reset")!, CultureInfo.InvariantCulture);
        Assert.InRange(reset, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 120);
    }

    [Fact]
    public async Task AnyApiRequest_CarriesTheGlobalBucketsXRateLimitHeaders()
    {
        var human = await NewHumanAsync();

        var response = (await human.GetAsync("/api/me")).Expect(HttpStatusCode.OK);

        AssertRateLimitHeaders(response);
    }

    [Fact]
    public async Task ElevenSendsInOneRoomWithinASecond_Returns429WithRetryAfterAndTheDiscordBody()
    {
        var world = await NewBotsInDmAsync();
        var path = $"/api/conversations/{world.DmId}/messages";

        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 11).Select(i => world.A.PostAsync(path, new { text = $"burst {i}" })));
        clock.Stop();

        var created = responses.Count(r => r.Status == HttpStatusCode.Created);
        var limited = responses.Where(r => r.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1) || limited.Count > 0, $"the burst took {clock.Elapsed}, too slow to prove anything");
        Assert.True(limited.Count >= 1, $"expected a 429 among 11 sends within {clock.ElapsedMilliseconds} ms, got {string.Join(", ", responses.Select(r => (int)r.Status))}");
        Assert.True(created <= 10, $"at most 10 sends per second may pass, {created} did");
        Assert.Equal(11, created + limited.Count);
        var rejected = limited[0];
        rejected.ExpectError(HttpStatusCode.TooManyRequests);
        Assert.Equal("rate limited", rejected.Json.Str("error"));
        Assert.False(rejected.Json.Bool("global"));
        var retryAfter = rejected.Json.Double("retry_after");
        Assert.InRange(retryAfter, 0.0001, 1.5);
        var header = rejected.Header("Retry-After");
        Assert.NotNull(header);
        Assert.InRange(double.Parse(header, CultureInfo.InvariantCulture), 0, 2);
        AssertRateLimitHeaders(rejected);
        Assert.Equal("0", rejected.Header("X-RateLimit-Remaining"));
        // One bucket, one id: clients key their waits on X-RateLimit-Bucket, so the 429 must name the bucket the 201s did.
        var accepted = responses.First(r => r.Status == HttpStatusCode.Created);
        Assert.Equal(accepted.Header("X-RateLimit-Bucket"), rejected.Header("X-RateLimit-Bucket"));
        Assert.Equal(created, (await ListAsync(world.B, world.DmId)).Length);
    }

    [Fact]
    public async Task RoomLimit_DoesNotBlockTheSameTokenInAnotherRoom_NorAnotherTokenInTheSameRoom()
    {
        var world = await NewBotsInDmAsync();
        var path = $"/api/conversations/{world.DmId}/messages";
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => world.A.PostAsync(path, new { text = $"burst {i}" })));
        Assert.Contains(responses, r => r.Status == HttpStatusCode.TooManyRequests);

        var otherRoom = await world.A.PostAsync($"/api/conversations/{world.GroupId}/messages", new { text = "other room" });
        var otherToken = await world.B.PostAsync(path, new { text = "other sender" });

        otherRoom.Expect(HttpStatusCode.Created);
        otherToken.Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task MoreThan50RequestsInASecond_Returns429WithGlobalTrue()
    {
        var human = await NewHumanAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => human.GetAsync("/api/me")));

        var limited = responses.Where(r => r.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.True(limited.Count > 0, $"expected 429s among 60 requests, got {string.Join(", ", responses.Select(r => (int)r.Status))}");
        Assert.True(responses.Count(r => r.Status == HttpStatusCode.OK) <= 50);
        var global = limited.FirstOrDefault(r => r.Json.Has("global") && r.Json.Prop("global").ValueKind == JsonValueKind.True);
        Assert.True(global is not null, $"expected a 429 with global: true, got {limited[0].Describe()}");
        Assert.Equal("rate limited", global.Json.Str("error"));
        Assert.NotNull(global.Header("Retry-After"));
        global.Json.Double("retry_after");
        var ok = responses.First(r => r.Status == HttpStatusCode.OK);
        Assert.Equal(ok.Header("X-RateLimit-Bucket"), global.Header("X-RateLimit-Bucket"));
    }

    [Fact]
    public async Task GlobalLimit_IsPerToken()
    {
        var busy = await NewHumanAsync();
        var quiet = await NewHumanAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => busy.GetAsync("/api/me")));
        Assert.Contains(responses, r => r.Status == HttpStatusCode.TooManyRequests);

        (await quiet.GetAsync("/api/me")).Expect(HttpStatusCode.OK);
    }

    private static void AssertRateLimitHeaders(ApiResponse response)
    {
        foreach (var name in RateLimitHeaders)
        {
            Assert.True(response.Header(name) is not null, $"expected header {name} on {response.Describe()}");
        }

        Assert.True(double.TryParse(response.Header("X-RateLimit-Reset-After"), NumberStyles.Float, CultureInfo.InvariantCulture, out var resetAfter) && resetAfter >= 0,
            $"X-RateLimit-Reset-After should be seconds, got '{response.Header("X-RateLimit-Reset-After")}'");
    }
}
