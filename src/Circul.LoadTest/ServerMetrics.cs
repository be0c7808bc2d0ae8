using System.Globalization;

namespace Circul.LoadTest;

/// <summary>
/// The few lines of the server's <c>GET /metrics</c> (Prometheus text, API.md section 12) the
/// panel-scale report prints. Read as they are: nothing forces a collection first, so the managed heap
/// figure includes garbage not yet collected.
/// </summary>
public sealed record ServerMetrics(IReadOnlyDictionary<string, double> Values)
{
    public const string ResidentMemory = "process_resident_memory_bytes";
    public const string GcHeap = "dotnet_gc_heap_bytes";
    public const string Gen2Collections = "dotnet_gc_collections_total";
    public const string GrainActivations = "circul_grain_activations";
    public const string EventsSent = "circul_gateway_events_sent_total";
    public const string EventsDropped = "circul_gateway_events_dropped_total";
    public const string SlowClosed = "circul_gateway_slow_closed_total";

    public static readonly ServerMetrics None = new(new Dictionary<string, double>());

    public double? this[string name] => Values.TryGetValue(name, out var value) ? value : null;

    /// <summary>Keeps every sample line without labels (<c>name value</c>); comments and labelled series are skipped.</summary>
    public static ServerMetrics Parse(string? text)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (text is null)
        {
            return new ServerMetrics(values);
        }

        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || line.Contains('{', StringComparison.Ordinal))
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && double.TryParse(line.AsSpan(space + 1).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                values[line[..space]] = value;
            }
        }

        return new ServerMetrics(values);
    }

    public static string Megabytes(double? bytes) =>
        bytes is { } b ? (b / (1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB" : "n/a";
}
