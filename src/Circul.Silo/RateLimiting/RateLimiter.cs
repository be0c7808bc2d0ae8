using System.Collections.Concurrent;
using System.Globalization;
using Circul.Contracts;
using Microsoft.Extensions.Options;

namespace Circul.Silo.RateLimiting;

/// <summary>Discord-style rate limits: a global bucket per token and, for message sends, a bucket per token and room.
/// Sets the X-RateLimit-* headers on every answer of a limited route and writes the 429 body.</summary>
public sealed class RateLimiter(IOptions<RateLimitOptions> options, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<string, RateWindow> _windows = new(StringComparer.Ordinal);
    private long _lastSweepTicks;

    public bool Enabled => options.Value.Enabled;

    /// <summary>Checks the buckets of a request. Returns null when allowed (headers set), else the 429 result.</summary>
    public IResult? Check(HttpContext context, string identity, string? roomBucket)
    {
        if (!Enabled)
        {
            return null;
        }

        var now = time.GetUtcNow();
        Sweep(now);
        var global = _windows.GetOrAdd("g:" + identity, static (key, s) => new RateWindow(key, s.Limit, s.Now), (Limit: options.Value.RequestsPerSecond, Now: now));
        var globalResult = global.TryAcquire(now);
        if (!globalResult.Acquired)
        {
            return Reject(context, global, globalResult.ResetAt, now, isGlobal: true);
        }

        if (roomBucket is null)
        {
            SetHeaders(context, global, globalResult.Remaining, globalResult.ResetAt, now);
            return null;
        }

        var room = _windows.GetOrAdd("r:" + identity + ":" + roomBucket, static (key, s) => new RateWindow(key, s.Limit, s.Now), (Limit: options.Value.MessagesPerSecond, Now: now));
        var roomResult = room.TryAcquire(now);
        if (!roomResult.Acquired)
        {
            return Reject(context, room, roomResult.ResetAt, now, isGlobal: false);
        }

        SetHeaders(context, room, roomResult.Remaining, roomResult.ResetAt, now);
        return null;
    }

    public void Dispose()
    {
        foreach (var window in _windows.Values)
        {
            window.Dispose();
        }
    }

    private static IResult Reject(HttpContext context, RateWindow window, DateTimeOffset resetAt, DateTimeOffset now, bool isGlobal)
    {
        SetHeaders(context, window, 0, resetAt, now);
        var retryAfter = Math.Max((resetAt - now).TotalSeconds, 0.001);
        context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter).ToString(CultureInfo.InvariantCulture);
        if (isGlobal)
        {
            context.Response.Headers["X-RateLimit-Global"] = "true";
        }

        context.Response.Headers["X-RateLimit-Scope"] = "user";
        return Results.Json(new RateLimitedDto("rate limited", Math.Round(retryAfter, 3), isGlobal), CirculJson.Options, statusCode: 429);
    }

    private static void SetHeaders(HttpContext context, RateWindow window, int remaining, DateTimeOffset resetAt, DateTimeOffset now)
    {
        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = window.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = (resetAt.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset-After"] = Math.Max((resetAt - now).TotalSeconds, 0).ToString("0.000", CultureInfo.InvariantCulture);
        headers["X-RateLimit-Bucket"] = window.BucketId;
    }

    private void Sweep(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.UtcTicks - last < TimeSpan.TicksPerMinute || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }

        foreach (var (key, window) in _windows)
        {
            // Removed, not disposed: a request may still hold this window (it has no timer or waiters to release).
            if (now - window.LastUsed > TimeSpan.FromMinutes(1))
            {
                _windows.TryRemove(key, out _);
            }
        }
    }
}
