using System.Collections.Concurrent;

namespace Circul.Storage.Tests;

/// <summary>A clock whose timers fire at once (on the thread pool), moving the clock forward by their due time and
/// recording it: code that waits on it runs without waiting, and the test sees every wait it asked for.</summary>
public sealed class AutoAdvancingTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly ConcurrentQueue<TimeSpan> _waits = new();
    private DateTimeOffset _now = start;

    /// <summary>The due times of the timers created so far, in order.</summary>
    public IReadOnlyList<TimeSpan> Waits => [.. _waits];

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _waits.Enqueue(dueTime);
        lock (_lock)
        {
            _now += dueTime;
        }

        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
