using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;

namespace Circul.Silo.RateLimiting;

/// <summary>One bucket: a fixed one-second window. The permits come from a <see cref="FixedWindowRateLimiter"/> that
/// this class replenishes itself, on its own clock, so that it knows exactly when the window resets (the headers
/// need that; the limiter's automatic replenishment runs on a timer whose phase is not observable).</summary>
public sealed class RateWindow : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly FixedWindowRateLimiter _limiter;
    private readonly Lock _lock = new();
    private DateTimeOffset _windowEnd;

    public RateWindow(string key, int limit, DateTimeOffset now)
    {
        Limit = limit;
        BucketId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 8));
        _limiter = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = Window,
            QueueLimit = 0,
            AutoReplenishment = false,
        });
        _windowEnd = now + Window;
    }

    public int Limit { get; }

    /// <summary>The opaque <c>X-RateLimit-Bucket</c> value: the same on every answer of this bucket, 429s included.</summary>
    public string BucketId { get; }

    public DateTimeOffset LastUsed { get; private set; }

    /// <summary>Takes a permit if one is left; reports what remains and when the window ends.</summary>
    public (bool Acquired, int Remaining, DateTimeOffset ResetAt) TryAcquire(DateTimeOffset now)
    {
        lock (_lock)
        {
            LastUsed = now;
            if (now >= _windowEnd)
            {
                _limiter.TryReplenish();
                _windowEnd = now + Window;
            }

            using var lease = _limiter.AttemptAcquire();
            var remaining = (int)(_limiter.GetStatistics()?.CurrentAvailablePermits ?? 0);
            return (lease.IsAcquired, remaining, _windowEnd);
        }
    }

    public void Dispose() => _limiter.Dispose();
}
