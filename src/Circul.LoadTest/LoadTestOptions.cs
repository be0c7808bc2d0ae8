using System.Globalization;
using System.Net;

namespace Circul.LoadTest;

/// <summary>The command line of the load tool, validated.</summary>
public sealed class LoadTestOptions
{
    public const int MaxDurationSeconds = 300;

    public const string Usage =
        "Usage: Circul.LoadTest [--url http://127.0.0.1:5080] [--scenario dm|group] [--bots 100] [--group-size 10]\n" +
        "                       [--rate 500] [--duration 20] [--warmup 2] [--concurrency 128] [--drain 10]";

    public const string Help = Usage + """


        Drives a running Circul silo through real HTTP and WebSocket connections: registers one owner,
        creates --bots bots (each holding one gateway socket), puts them in rooms and sends messages at
        --rate messages/s in total for --duration seconds after --warmup seconds, measuring the time from
        the send to every member socket's message_new event.

          --url URL           the silo (default http://127.0.0.1:5080); only loopback hosts are accepted
          --scenario NAME     dm: pairs of bots in DMs; group: groups of --group-size bots (default dm)
          --bots N            bots to create and connect (2..10000, default 100)
          --group-size G      bots per group in the group scenario (2..99, default 10)
          --rate R            target messages per second over all senders (1..100000, default 500)
          --duration S        measured seconds of sending (1..300, default 20)
          --warmup S          seconds of sending before measuring (0..60, default 2)
          --concurrency C     most sends in flight at once (1..4096, default 128)
          --drain S           how long to wait for outstanding deliveries once sending stops (1..60, default 10)

        Start the server with rate limits off, or most sends answer 429:
          Circul__RateLimits__Enabled=false dotnet run --project src/Circul.Silo -c Release
        (scripts/bench.sh does this for you.)

        Exit status: 0 all sends accepted and every delivery arrived in order; 1 a correctness failure
        (missing or out-of-order deliveries, failed sends, sockets closed by the server); 2 bad arguments;
        3 the setup failed (server unreachable, unexpected answer).
        """;

    public Uri Url { get; private init; } = new("http://127.0.0.1:5080/");

    public string Scenario { get; private init; } = "dm";

    public int Bots { get; private init; } = 100;

    public int GroupSize { get; private init; } = 10;

    public int Rate { get; private init; } = 500;

    public int DurationSeconds { get; private init; } = 20;

    public int WarmupSeconds { get; private init; } = 2;

    public int Concurrency { get; private init; } = 128;

    public int DrainSeconds { get; private init; } = 10;

    /// <summary>Parses and validates <paramref name="args"/>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out LoadTestOptions? options, out string error)
    {
        options = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unexpected argument '{arg}'";
                return false;
            }

            string name;
            string value;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                name = arg[2..eq];
                value = arg[(eq + 1)..];
            }
            else
            {
                name = arg[2..];
                if (i + 1 >= args.Count)
                {
                    error = $"--{name} needs a value";
                    return false;
                }

                value = args[++i];
            }

            if (!KnownOptions.Contains(name))
            {
                error = $"unknown option --{name}";
                return false;
            }

            values[name] = value;
        }

        var url = new Uri("http://127.0.0.1:5080/");
        if (values.TryGetValue("url", out var rawUrl) && !TryParseLoopbackUrl(rawUrl, out url, out error))
        {
            return false;
        }

        var scenario = values.GetValueOrDefault("scenario", "dm");
        if (!ScenarioCatalog.Names.Contains(scenario))
        {
            error = $"--scenario must be one of {string.Join(", ", ScenarioCatalog.Names)}";
            return false;
        }

        if (!TryInt(values, "bots", 100, 2, 10_000, out var bots, out error)
            || !TryInt(values, "group-size", 10, 2, 99, out var groupSize, out error)
            || !TryInt(values, "rate", 500, 1, 100_000, out var rate, out error)
            || !TryInt(values, "duration", 20, 1, MaxDurationSeconds, out var duration, out error)
            || !TryInt(values, "warmup", 2, 0, 60, out var warmup, out error)
            || !TryInt(values, "concurrency", 128, 1, 4096, out var concurrency, out error)
            || !TryInt(values, "drain", 10, 1, 60, out var drain, out error))
        {
            return false;
        }

        options = new LoadTestOptions
        {
            Url = url,
            Scenario = scenario,
            Bots = bots,
            GroupSize = groupSize,
            Rate = rate,
            DurationSeconds = duration,
            WarmupSeconds = warmup,
            Concurrency = concurrency,
            DrainSeconds = drain,
        };
        error = "";
        return true;
    }

    /// <summary>Accepts http(s) URLs whose host is <c>localhost</c> or a loopback IP literal; a load tool must never hit someone else's server.</summary>
    public static bool TryParseLoopbackUrl(string raw, out Uri url, out string error)
    {
        url = new Uri("http://127.0.0.1:5080/");
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            error = $"--url must be an absolute http:// or https:// URL, got '{raw}'";
            return false;
        }

        var host = parsed.Host.Trim('[', ']');
        var loopback = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
        if (!loopback)
        {
            error = $"refusing to load-test '{parsed.Host}': only loopback targets (127.0.0.0/8, ::1, localhost) are allowed";
            return false;
        }

        url = new Uri(parsed.GetLeftPart(UriPartial.Authority) + "/");
        error = "";
        return true;
    }

    private static readonly HashSet<string> KnownOptions = new(StringComparer.Ordinal)
    {
        "url", "scenario", "bots", "group-size", "rate", "duration", "warmup", "concurrency", "drain",
    };

    private static bool TryInt(Dictionary<string, string> values, string name, int fallback, int min, int max, out int result, out string error)
    {
        result = fallback;
        error = "";
        if (!values.TryGetValue(name, out var raw))
        {
            return true;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out result) || result < min || result > max)
        {
            error = $"--{name} must be an integer in {min}..{max}, got '{raw}'";
            return false;
        }

        return true;
    }
}
