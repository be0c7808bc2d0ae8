namespace Circul.Silo.RateLimiting;

/// <summary>The lock arithmetic of <see cref="LoginThrottleOptions"/>: the failure that uses up the allowance locks
/// for <see cref="FirstLock"/>, each further one doubles it, up to <see cref="MaxLock"/>.</summary>
internal sealed record LoginThrottlePolicy(TimeSpan Window, TimeSpan FirstLock, TimeSpan MaxLock)
{
    public static LoginThrottlePolicy From(LoginThrottleOptions options) => new(
        TimeSpan.FromSeconds(options.WindowSeconds), TimeSpan.FromMilliseconds(options.FirstLockMs), TimeSpan.FromSeconds(options.MaxLockSeconds));

    /// <summary>The lock that follows failure number <paramref name="failures"/> (counted from 1).</summary>
    public TimeSpan LockAfter(int failures, int allowance)
    {
        var doublings = Math.Clamp(failures - allowance, 0, 30);
        var ticks = FirstLock.Ticks * (double)(1L << doublings);
        return ticks >= MaxLock.Ticks ? MaxLock : TimeSpan.FromTicks((long)ticks);
    }
}
