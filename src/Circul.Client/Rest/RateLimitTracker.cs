using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;

namespace Circul.Client;

/// <summary>What the <c>X-RateLimit-*</c> headers said about each route (route plus room, as the server's buckets
/// are), and a global block after a global 429: lets the client wait instead of provoking a 429.</summary>
internal sealed class RateLimitTracker(TimeProvider time)
{
    // The headers carry rounded seconds: arriving a hair early would still meet the old window.
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _exhaustedUntil = new();
    private long _globalUntilTicks;

    /// <summary>How long a call on <paramref name="routeKey"/> should wait now (zero for not at all).</summary>
    public TimeSpan WaitFor(string routeKey)
    {
        var now = time.GetUtcNow();
        var wait = TimeSpan.Zero;
        var global = new DateTimeOffset(Interlocked.Read(ref _globalUntilTicks), TimeSpan.Zero);
        if (global > now)
        {
            wait = global - now;
        }

        if (_exhaustedUntil.TryGetValue(routeKey, out var until))
        {
            if (until > now)
            {
                wait = until - now > wait ? until - now : wait;
            }
            else
            {
                _exhaustedUntil.TryRemove(new KeyValuePair<string, DateTimeOffset>(routeKey, until));
            }
        }

        return wait;
    }

    public void Observe(string routeKey, HttpResponseHeaders headers)
    {
        if (Header(headers, "X-RateLimit-Remaining") is { } remaining && remaining <= 0
            && Header(headers, "X-RateLimit-Reset-After") is { } resetAfter && resetAfter > 0)
        {
            _exhaustedUntil[routeKey] = time.GetUtcNow() + TimeSpan.FromSeconds(resetAfter) + Margin;
        }
        else
        {
            _exhaustedUntil.TryRemove(routeKey, out _);
        }
    }

    public void BlockGlobally(TimeSpan wait)
    {
        var until = (time.GetUtcNow() + wait).UtcTicks;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _globalUntilTicks);
            if (seen >= until)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _globalUntilTicks, until, seen) != seen);
    }

    private static double? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values)
        && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
