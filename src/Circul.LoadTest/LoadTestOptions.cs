using System.Globalization;
using System.Net;

namespace Circul.LoadTest;

/// <summary>The command line of the load tool, validated.</summary>
public sealed class LoadTestOptions
{
    public const int MaxDurationSeconds = 300;

    public const int MaxTimeLimitSeconds = 900;

    public const int MaxUrls = 64;

    public const string Usage =
        "Usage: Circul.LoadTest [--url http://127.0.0.1:5080[,URL...]] [--scenario dm|group|panel|panel-scale]\n" +
        "                       [--bots 100] [--rate 500] [--duration 20] [--warmup 2] [--concurrency 128] [--drain 10]\n" +
        "                       [--setup-concurrency 8] [--group-size 10] [--channels 20] [--restricted-fraction 0.25]\n" +
        "                       [--observers 10] [--add-concurrency 8] [--messages 200] [--time-limit 900]\n" +
        "                       [--server-pid PID]";

    public const string Help = Usage + """


        Drives a running Circul silo through real HTTP and WebSocket connections: registers one owner,
        creates --bots bots (each holding one gateway socket), puts them in rooms and sends messages at
        --rate messages/s in total for --duration seconds after --warmup seconds, measuring the time from
        the send to every member socket's message_new / panel_message event.

          --url URL[,URL...]  the silo (default http://127.0.0.1:5080); only loopback hosts are accepted.
                              A comma-separated list (several silos of one cluster): bot i's socket and every
                              REST call with its token go to URL i mod N, and the report splits latency into
                              same-silo (sender's URL = receiver's URL) and cross-silo deliveries. panel-scale
                              takes one URL only
          --scenario NAME     dm: pairs of bots in DMs; group: groups of --group-size bots;
                              panel: one panel, --channels channels, some restricted by a role override;
                              panel-scale: the cost of a big panel (adds --bots bots to one panel, no
                              message throughput run; see README.md) (default dm)
          --bots N            bots to create (2..10000, default 100); all connect, except in panel-scale
          --rate R            target messages per second over all senders (1..100000, default 500)
          --duration S        measured seconds of sending (1..300, default 20)
          --warmup S          seconds of sending before measuring (0..60, default 2)
          --concurrency C     most sends in flight at once (1..4096, default 128)
          --drain S           how long to wait for outstanding deliveries once sending stops (1..60, default 10)
          --setup-concurrency C  most bot creations (and panel adds in panel) in flight at once
                              (1..256, default 8; 32 in panel-scale)
          --group-size G      group: bots per group (2..99, default 10)
          --channels M        panel, panel-scale: channels created besides `general` (1..500, default 20)
          --restricted-fraction F  panel: share of the bots given the role "restricted", which every 4th
                              channel hides (0..0.9, default 0.25)
          --observers K       panel-scale: bots that connect a socket (1..1000, default 10)
          --add-concurrency C panel-scale: most panel adds in flight at once (1..256, default 8)
          --messages K        panel-scale: messages sent one after another into one channel (1..10000, default 200)
          --time-limit S      panel-scale: stop (and fail) after S seconds in all (10..900, default 900)
          --server-pid PID    dm, group, panel (Linux): the silo's process on this machine; the report adds
                              its CPU time from the start of the measured window to the end of the drain
                              (/proc/PID/stat), its utilisation in cores and its CPU microseconds per delivery

        Start the server with rate limits off, or most sends answer 429:
          Circul__RateLimits__Enabled=false dotnet run --project src/Circul.Silo -c Release
        (scripts/bench.sh does this for you.)

        Exit status: 0 all sends accepted and every delivery arrived in order; 1 a correctness failure
        (missing, leaked or out-of-order deliveries, failed sends or panel adds, sockets closed by the
        server, the panel-scale time limit hit); 2 bad arguments; 3 the setup failed (server
        unreachable, unexpected answer).
        """;

    /// <summary>The first (or only) <c>--url</c>: where the owner's calls go.</summary>
    public Uri Url => Urls[0];

    /// <summary>Every <c>--url</c>, in the order given; bots are spread over them round-robin (<see cref="SiloTargets"/>).</summary>
    public IReadOnlyList<Uri> Urls { get; private init; } = [new("http://127.0.0.1:5080/")];

    public string Scenario { get; private init; } = "dm";

    public int Bots { get; private init; } = 100;

    public int GroupSize { get; private init; } = 10;

    public int Rate { get; private init; } = 500;

    public int DurationSeconds { get; private init; } = 20;

    public int WarmupSeconds { get; private init; } = 2;

    public int Concurrency { get; private init; } = 128;

    public int DrainSeconds { get; private init; } = 10;

    public int SetupConcurrency { get; private init; } = 8;

    public int Channels { get; private init; } = 20;

    public double RestrictedFraction { get; private init; } = 0.25;

    public int Observers { get; private init; } = 10;

    public int AddConcurrency { get; private init; } = 8;

    public int Messages { get; private init; } = 200;

    public int TimeLimitSeconds { get; private init; } = MaxTimeLimitSeconds;

    /// <summary><c>--server-pid</c>: the silo's process, whose CPU time the report measures; null when not given.</summary>
    public int? ServerPid { get; private init; }

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

        IReadOnlyList<Uri> urls = [new Uri("http://127.0.0.1:5080/")];
        if (values.TryGetValue("url", out var rawUrl) && !TryParseUrlList(rawUrl, out urls, out error))
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
            || !TryInt(values, "drain", 10, 1, 60, out var drain, out error)
            || !TryInt(values, "setup-concurrency", scenario == "panel-scale" ? 32 : 8, 1, 256, out var setupConcurrency, out error)
            || !TryInt(values, "channels", 20, 1, 500, out var channels, out error)
            || !TryInt(values, "observers", 10, 1, 1000, out var observers, out error)
            || !TryInt(values, "add-concurrency", 8, 1, 256, out var addConcurrency, out error)
            || !TryInt(values, "messages", 200, 1, 10_000, out var messages, out error)
            || !TryInt(values, "time-limit", MaxTimeLimitSeconds, 10, MaxTimeLimitSeconds, out var timeLimit, out error))
        {
            return false;
        }

        var restrictedFraction = 0.25;
        if (values.TryGetValue("restricted-fraction", out var rawFraction)
            && (!double.TryParse(rawFraction, NumberStyles.Float, CultureInfo.InvariantCulture, out restrictedFraction)
                || double.IsNaN(restrictedFraction) || restrictedFraction < 0 || restrictedFraction > 0.9))
        {
            error = $"--restricted-fraction must be a number in 0..0.9, got '{rawFraction}'";
            return false;
        }

        int? serverPid = null;
        if (values.TryGetValue("server-pid", out var rawPid))
        {
            if (!int.TryParse(rawPid, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid < 1)
            {
                error = $"--server-pid must be a process id (a positive integer), got '{rawPid}'";
                return false;
            }

            if (ProcessCpu.ReadTicks(pid, out var why) is null)
            {
                error = $"--server-pid {pid}: cannot read its CPU time: {why}";
                return false;
            }

            serverPid = pid;
        }

        if (scenario == "panel-scale" && urls.Count > 1)
        {
            error = "panel-scale takes one --url (it measures one panel's set-up, not deliveries between silos)";
            return false;
        }

        if (scenario == "panel-scale" && observers > bots)
        {
            error = $"--observers ({observers}) cannot exceed --bots ({bots})";
            return false;
        }

        options = new LoadTestOptions
        {
            Urls = urls,
            Scenario = scenario,
            Bots = bots,
            GroupSize = groupSize,
            Rate = rate,
            DurationSeconds = duration,
            WarmupSeconds = warmup,
            Concurrency = concurrency,
            DrainSeconds = drain,
            SetupConcurrency = setupConcurrency,
            Channels = channels,
            RestrictedFraction = restrictedFraction,
            Observers = observers,
            AddConcurrency = addConcurrency,
            Messages = messages,
            TimeLimitSeconds = timeLimit,
            ServerPid = serverPid,
        };
        error = "";
        return true;
    }

    /// <summary>A comma-separated list of loopback URLs (<see cref="TryParseLoopbackUrl"/>), each at most once.</summary>
    public static bool TryParseUrlList(string raw, out IReadOnlyList<Uri> urls, out string error)
    {
        urls = [];
        var parts = raw.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > MaxUrls)
        {
            error = $"--url takes at most {MaxUrls} URLs, got {parts.Length}";
            return false;
        }

        var list = new List<Uri>(parts.Length);
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                error = $"--url has an empty entry in '{raw}'";
                return false;
            }

            if (!TryParseLoopbackUrl(part, out var url, out error))
            {
                return false;
            }

            if (list.Contains(url))
            {
                error = $"--url lists {url} twice (each URL stands for one silo)";
                return false;
            }

            list.Add(url);
        }

        urls = list;
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
        "setup-concurrency", "channels", "restricted-fraction", "observers", "add-concurrency", "messages", "time-limit",
        "server-pid",
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
