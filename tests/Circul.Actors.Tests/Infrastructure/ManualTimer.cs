namespace Circul.Actors.Tests.Infrastructure;

internal sealed class ManualTimer : ITimer
{
    private readonly ManualTimeProvider _owner;
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private TimeSpan _period;

    public ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state)
    {
        _owner = owner;
        _callback = callback;
        _state = state;
    }

    public DateTimeOffset DueAt { get; private set; }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        _owner.Schedule(this, dueTime, period);
        return true;
    }

    public void Dispose() => _owner.Schedule(this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    internal void SetSchedule(DateTimeOffset dueAt, TimeSpan period)
    {
        DueAt = dueAt;
        _period = period;
    }

    internal void Reschedule(DateTimeOffset now)
    {
        if (_period == Timeout.InfiniteTimeSpan || _period <= TimeSpan.Zero)
        {
            _owner.Unschedule(this);
        }
        else
        {
            DueAt = now + _period;
        }
    }

    internal void Fire() => _callback(_state);
}
