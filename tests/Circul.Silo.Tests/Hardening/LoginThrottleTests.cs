using System.Globalization;

namespace Circul.Silo.Tests.Hardening;

/// <summary>
/// Issue 10, item 3: failed logins are limited per username (5 within the window) and per client address (20), with
/// locks of 1 s doubling per further failure up to 5 min, answered 429 with <c>Retry-After</c> and the contract's
/// rate-limit body; a success resets the username; unknown usernames are counted and answered like wrong passwords.
/// The throttle runs on the fixture's manual clock, so no test sleeps. Each test logs in from addresses of its own
/// (<c>X-Forwarded-For</c>, trusted from loopback) so that tests do not share an address counter.
/// </summary>
public sealed class LoginThrottleTests(LoginThrottleSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<LoginThrottleSiloFixture>
{
    private const string WrongPassword = "not-the-password";

    private ManualTimeProvider Clock => fixture.Clock;

    [Fact]
    public async Task SeventyConcurrentWrongPasswords_AtMostFiveAre401_TheRestAre429_AndTheAccountIsLockedFor1s()
    {
        var human = await NewHumanAsync();
        var address = NewAddress();

        var responses = await Task.WhenAll(Enumerable.Range(0, 70).Select(_ => LoginAsync(human.Name, WrongPassword, address)));

        var unauthorized = responses.Count(r => r.Status == HttpStatusCode.Unauthorized);
        var limited = responses.Where(r => r.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.True(unauthorized is >= 1 and <= 5, $"at most 5 guesses may reach the password check, {unauthorized} did");
        Assert.Equal(70, unauthorized + limited.Count);
        foreach (var response in limited)
        {
            AssertRateLimited(response);
        }

        // Locked: even the right password is refused without being checked, until the lock ends.
        AssertRateLimited((await LoginAsync(human.Name, SiloFixture.Password, address)).Expect(HttpStatusCode.TooManyRequests));
        Clock.Advance(TimeSpan.FromSeconds(1));
        (await LoginAsync(human.Name, SiloFixture.Password, address)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task EachFailurePastTheAllowance_DoublesTheLock_UpToFiveMinutes()
    {
        var human = await NewHumanAsync();
        for (var i = 0; i < 5; i++)
        {
            (await LoginAsync(human.Name, WrongPassword, NewAddress())).ExpectError(HttpStatusCode.Unauthorized);
        }

        var expected = new[] { 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300 };
        foreach (var seconds in expected)
        {
            var locked = (await LoginAsync(human.Name, WrongPassword, NewAddress())).Expect(HttpStatusCode.TooManyRequests);
            AssertRateLimited(locked);
            Assert.Equal(seconds, locked.Json.Double("retry_after"), 3);
            Assert.Equal(seconds.ToString(CultureInfo.InvariantCulture), locked.Header("Retry-After"));

            Clock.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(1));
            (await LoginAsync(human.Name, WrongPassword, NewAddress())).Expect(HttpStatusCode.TooManyRequests);
            Clock.Advance(TimeSpan.FromMilliseconds(1));
            (await LoginAsync(human.Name, WrongPassword, NewAddress())).ExpectError(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task UnknownUsername_IsCountedAndAnsweredExactlyLikeAWrongPassword()
    {
        var human = await NewHumanAsync();
        var unknown = SiloFixture.RandomName("nobody");

        var known = await SequenceAsync(human.Name);
        var missing = await SequenceAsync(unknown);

        Assert.Equal(known.Select(r => r.Status), missing.Select(r => r.Status));
        Assert.Equal(known.Select(r => r.Text), missing.Select(r => r.Text));
        Assert.Equal(known.Select(r => r.Header("Retry-After")), missing.Select(r => r.Header("Retry-After")));
        Assert.Equal(HttpStatusCode.TooManyRequests, known[^1].Status);

        // Six attempts (five failures, one refusal) from a fresh address each time.
        async Task<List<ApiResponse>> SequenceAsync(string username)
        {
            var answers = new List<ApiResponse>();
            for (var i = 0; i < 6; i++)
            {
                answers.Add(await LoginAsync(username, WrongPassword, NewAddress()));
            }

            return answers;
        }
    }

    [Fact]
    public async Task Success_ResetsTheUsernameCounter()
    {
        var human = await NewHumanAsync();
        var address = NewAddress();
        for (var i = 0; i < 4; i++)
        {
            (await LoginAsync(human.Name, WrongPassword, address)).ExpectError(HttpStatusCode.Unauthorized);
        }

        (await LoginAsync(human.Name, SiloFixture.Password, address)).Expect(HttpStatusCode.OK);

        for (var i = 0; i < 5; i++)
        {
            (await LoginAsync(human.Name, WrongPassword, address)).ExpectError(HttpStatusCode.Unauthorized);
        }

        AssertRateLimited((await LoginAsync(human.Name, WrongPassword, address)).Expect(HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task OneAddress_GuessingAcrossUsernames_IsLockedAfter20Failures_OtherAddressesAreNot()
    {
        var human = await NewHumanAsync();
        var sprayer = NewAddress();
        for (var i = 0; i < 20; i++)
        {
            (await LoginAsync(SiloFixture.RandomName("spray"), WrongPassword, sprayer)).ExpectError(HttpStatusCode.Unauthorized);
        }

        AssertRateLimited((await LoginAsync(SiloFixture.RandomName("spray"), WrongPassword, sprayer)).Expect(HttpStatusCode.TooManyRequests));
        AssertRateLimited((await LoginAsync(human.Name, SiloFixture.Password, sprayer)).Expect(HttpStatusCode.TooManyRequests));

        (await LoginAsync(human.Name, SiloFixture.Password, NewAddress())).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task OneUsername_GuessedFromManyAddresses_IsStillLockedAfter5Failures()
    {
        var human = await NewHumanAsync();
        for (var i = 0; i < 5; i++)
        {
            (await LoginAsync(human.Name, WrongPassword, NewAddress())).ExpectError(HttpStatusCode.Unauthorized);
        }

        AssertRateLimited((await LoginAsync(human.Name, SiloFixture.Password, NewAddress())).Expect(HttpStatusCode.TooManyRequests));
        AssertRateLimited((await LoginAsync(human.Name.ToUpperInvariant(), SiloFixture.Password, NewAddress())).Expect(HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task IdleCounters_AreForgotten_SoMemoryStaysBounded()
    {
        for (var i = 0; i < 30; i++)
        {
            (await LoginAsync(SiloFixture.RandomName("idle"), WrongPassword, NewAddress())).ExpectError(HttpStatusCode.Unauthorized);
        }

        Assert.True(fixture.Throttle.Count >= 60, $"expected the 30 usernames and 30 addresses to be counted, {fixture.Throttle.Count} are");

        // Past the window (15 min) and the sweep period: the next login sweeps them all away.
        Clock.Advance(TimeSpan.FromMinutes(16));
        (await LoginAsync(SiloFixture.RandomName("idle"), WrongPassword, NewAddress())).ExpectError(HttpStatusCode.Unauthorized);

        Assert.True(fixture.Throttle.Count <= 2, $"idle counters should be gone, {fixture.Throttle.Count} remain");
    }

    private Task<ApiResponse> LoginAsync(string username, string password, string address) =>
        Fixture.Anonymous().PostAsync("/api/auth/login", new { username, password }, new Dictionary<string, string> { ["X-Forwarded-For"] = address });

    private static string NewAddress() =>
        $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    private static void AssertRateLimited(ApiResponse response)
    {
        response.ExpectError(HttpStatusCode.TooManyRequests);
        Assert.Equal("rate limited", response.Json.Str("error"));
        Assert.True(response.Json.Double("retry_after") > 0, response.Describe());
        Assert.False(response.Json.Bool("global"));
        var retryAfter = response.Header("Retry-After");
        Assert.True(retryAfter is not null && int.Parse(retryAfter, CultureInfo.InvariantCulture) >= 1, $"expected Retry-After in seconds on {response.Describe()}");
    }
}
