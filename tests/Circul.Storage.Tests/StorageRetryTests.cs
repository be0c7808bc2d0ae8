namespace Circul.Storage.Tests;

public sealed class StorageRetryTests
{
    [Fact]
    public async Task RunAsync_AfterFailures_WaitsOneSecondDoublingUpToThirty_ThenReturnsTheResult()
    {
        var clock = new AutoAdvancingTimeProvider(DateTimeOffset.UnixEpoch);
        var attempts = 0;
        var reported = new List<(int Attempt, TimeSpan Delay)>();

        var result = await StorageRetry.RunAsync(
            _ => ++attempts <= 7 ? Task.FromException<int>(new TimeoutException("down")) : Task.FromResult(42),
            clock,
            (attempt, _, delay) => reported.Add((attempt, delay)),
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(42, result);
        Assert.Equal(8, attempts);
        TimeSpan[] expected = [.. new[] { 1, 2, 4, 8, 16, 30, 30 }.Select(s => TimeSpan.FromSeconds(s))];
        Assert.Equal(expected, clock.Waits);
        Assert.Equal(expected.Select((d, i) => (i + 1, d)), reported);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(91), clock.GetUtcNow());
    }

    [Fact]
    public async Task RunAsync_FirstAttemptSucceeds_NeitherWaitsNorReports()
    {
        var clock = new AutoAdvancingTimeProvider(DateTimeOffset.UnixEpoch);
        var reported = 0;

        var result = await StorageRetry.RunAsync(_ => Task.FromResult("ok"), clock, (_, _, _) => reported++, CancellationToken.None);

        Assert.Equal("ok", result);
        Assert.Equal(0, reported);
        Assert.Empty(clock.Waits);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileWaiting_StopsWithoutAnotherAttempt()
    {
        using var stop = new CancellationTokenSource();
        var attempts = 0;

        // The real clock: the 1 s wait is cut short by the cancellation.
        var run = StorageRetry.RunAsync<int>(
            _ =>
            {
                attempts++;
                return Task.FromException<int>(new TimeoutException("down"));
            },
            TimeProvider.System,
            (_, _, _) => stop.Cancel(),
            stop.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public void Describe_MasksThePasswordAndKeepsOneLine()
    {
        var exception = new InvalidOperationException("outer", new TimeoutException("no answer from h:1 with hunter2\nsecond line"));

        var text = StorageRetry.Describe(exception, "hunter2");

        Assert.Equal("TimeoutException: no answer from h:1 with *** second line", text);
    }
}
