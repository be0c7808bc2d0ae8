using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Circul.Silo.Observability;

/// <summary>Request counts by method, route and status, and a latency histogram per route, in Prometheus text format.
/// Every label comes from a fixed set (methods folded to <see cref="OtherMethod"/>, routes are patterns or
/// <see cref="UnmatchedRoute"/>), so no request can add series of its own making.</summary>
public sealed class RequestMetrics
{
    private static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    private readonly ConcurrentDictionary<(string Method, string Route, int Status), long> _counts = new();
    private readonly ConcurrentDictionary<string, Histogram> _latency = new(StringComparer.Ordinal);

    /// <summary>Label for requests no endpoint matched (unknown paths, and methods a path does not allow).</summary>
    public const string UnmatchedRoute = "unmatched";

    /// <summary>Label for every method outside the ones the API uses.</summary>
    public const string OtherMethod = "OTHER";

    public void Record(string method, string route, int status, double seconds)
    {
        _counts.AddOrUpdate((MethodLabel(method), route, status), 1, static (_, n) => n + 1);
        _latency.GetOrAdd(route, static _ => new Histogram()).Observe(seconds);
    }

    public void Write(StringBuilder output)
    {
        output.Append("# HELP circul_http_requests_total HTTP requests by method, route and status.\n# TYPE circul_http_requests_total counter\n");
        foreach (var ((method, route, status), count) in _counts.OrderBy(k => k.Key.Route, StringComparer.Ordinal))
        {
            output.Append(CultureInfo.InvariantCulture, $"circul_http_requests_total{{method=\"{method}\",route=\"{Escape(route)}\",status=\"{status}\"}} {count}\n");
        }

        output.Append("# HELP circul_http_request_duration_seconds HTTP request latency by route.\n# TYPE circul_http_request_duration_seconds histogram\n");
        foreach (var (route, histogram) in _latency.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            histogram.Write(output, "circul_http_request_duration_seconds", $"route=\"{Escape(route)}\"");
        }
    }

    /// <summary>Times every request and records it under its route pattern (not its raw path, to bound cardinality).</summary>
    public static IApplicationBuilder UseRequestMetrics(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? UnmatchedRoute;
            context.RequestServices.GetRequiredService<RequestMetrics>()
                .Record(context.Request.Method, route, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    });

    /// <summary>The method as a label from a fixed set: a client can send any token as its method (<c>ZZQA</c>), and
    /// each new label value would be a new series kept for the life of the process.</summary>
    public static string MethodLabel(string method) =>
        HttpMethods.IsGet(method) ? HttpMethods.Get
        : HttpMethods.IsPost(method) ? HttpMethods.Post
        : HttpMethods.IsPatch(method) ? HttpMethods.Patch
        : HttpMethods.IsPut(method) ? HttpMethods.Put
        : HttpMethods.IsDelete(method) ? HttpMethods.Delete
        : HttpMethods.IsHead(method) ? HttpMethods.Head
        : HttpMethods.IsOptions(method) ? HttpMethods.Options
        : OtherMethod;

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private sealed class Histogram
    {
        private readonly long[] _buckets = new long[Buckets.Length];
        private long _count;
        private long _sumMicros;

        public void Observe(double seconds)
        {
            for (var i = 0; i < Buckets.Length; i++)
            {
                if (seconds <= Buckets[i])
                {
                    Interlocked.Increment(ref _buckets[i]);
                }
            }

            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _sumMicros, (long)(seconds * 1_000_000));
        }

        public void Write(StringBuilder output, string name, string labels)
        {
            for (var i = 0; i < Buckets.Length; i++)
            {
                output.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"{Buckets[i]}\"}} {Volatile.Read(ref _buckets[i])}\n");
            }

            var count = Volatile.Read(ref _count);
            output.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"+Inf\"}} {count}\n");
            output.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{labels}}} {Volatile.Read(ref _sumMicros) / 1_000_000.0}\n");
            output.Append(CultureInfo.InvariantCulture, $"{name}_count{{{labels}}} {count}\n");
        }
    }
}
