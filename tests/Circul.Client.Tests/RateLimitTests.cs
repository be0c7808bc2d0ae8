using Circul.Client.Tests.Infrastructure;

namespace Circul.Client.Tests;

/// <summary>429s against a silo that allows only <see cref="LowRateLimitSiloFixture.MessagesPerSecond"/> sends per
/// second per room.</summary>
public sealed class RateLimitTests(LowRateLimitSiloFixture fixture) : IClassFixture<LowRateLimitSiloFixture>
{
    private const int Burst = 5;

    [Fact]
    public async Task A429_IsRetriedAfterRetryAfter_AndEverySendLandsOnce()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        // Without the bucket tracking, so that the server's 429 (not the client's own wait) is what gets exercised.
        using var rest = new CirculRestClient(new Uri(fixture.BaseUrl), world.BotAccount.Token!, new CirculRestOptions { WaitForExhaustedBuckets = false });
        var limited = new List<RateLimitInfo>();
        rest.RateLimited += info =>
        {
            lock (limited)
            {
                limited.Add(info);
            }
        };

        var sent = new List<Message>();
        for (var i = 0; i < Burst; i++)
        {
            sent.Add(await rest.SendChannelMessageAsync(world.PanelId, world.GeneralId, $"burst {i}"));
        }

        Assert.NotEmpty(limited);
        Assert.All(limited, l =>
        {
            Assert.True(l.WillRetry);
            Assert.InRange(l.RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1.5));
        });
        var history = await rest.GetChannelMessagesAsync(world.PanelId, world.GeneralId, new MessageQuery { Limit = 50 });
        var burstTexts = history.Where(m => m.Text.StartsWith("burst ", StringComparison.Ordinal)).Select(m => m.Text).Order().ToList();
        Assert.Equal(Enumerable.Range(0, Burst).Select(i => $"burst {i}"), burstTexts);
        Assert.Equal(sent.Select(m => m.Id).Order(StringComparer.Ordinal), history.Where(m => burstTexts.Contains(m.Text)).Select(m => m.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A429_WithoutRetriesLeft_IsThrownWithRetryAfter()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        using var rest = new CirculRestClient(
            new Uri(fixture.BaseUrl), world.BotAccount.Token!, new CirculRestOptions { WaitForExhaustedBuckets = false, MaxRateLimitRetries = 0 });

        var error = await Assert.ThrowsAsync<CirculRateLimitedException>(async () =>
        {
            for (var i = 0; i < Burst; i++)
            {
                await rest.SendChannelMessageAsync(world.PanelId, world.GeneralId, $"burst {i}");
            }
        });

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal("rate limited", error.Error);
        Assert.False(error.Global);
        Assert.True(error.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task ExhaustedBucket_IsWaitedOutBeforeTheNextCall()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        var limited = 0;
        world.Bot.Rest.RateLimited += _ => Interlocked.Increment(ref limited);
        var started = DateTimeOffset.UtcNow;

        for (var i = 0; i < Burst; i++)
        {
            await world.Bot.Rest.SendChannelMessageAsync(world.PanelId, world.GeneralId, $"paced {i}");
        }

        // 5 sends at 2 per one-second window need at least two window resets.
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromSeconds(1), "the client must have waited for the bucket");
        Assert.Equal(0, Volatile.Read(ref limited));
    }
}
