using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;

namespace Circul.LoadTest;

/// <summary>One run: set up owner, bots, sockets and rooms; send for warm-up + duration; drain; close; report.</summary>
public sealed class LoadRun
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly LoadTestOptions _options;
    private readonly IScenario _scenario;
    private readonly TextWriter _output;
    private readonly TextWriter _log;

    public LoadRun(LoadTestOptions options, IScenario scenario, TextWriter output, TextWriter log)
    {
        _options = options;
        _scenario = scenario;
        _output = output;
        _log = log;
    }

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        using var silos = new SiloTargets(_options.Urls, _options.Concurrency + 16);
        var sockets = new List<BotSocket>();
        try
        {
            var plan = await SetUpAsync(silos, sockets, cancellationToken);
            if (plan is null)
            {
                return LoadTestProgram.ExitSetupFailed;
            }

            return await MeasureAsync(silos, plan, sockets, cancellationToken);
        }
        finally
        {
            await Task.WhenAll(sockets.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    private async Task<ScenarioPlan?> SetUpAsync(SiloTargets silos, List<BotSocket> sockets, CancellationToken cancellationToken)
    {
        // Set-up is bounded too: a server that hangs must not keep the tool running.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60) + TimeSpan.FromMilliseconds(100.0 * _options.Bots) + _scenario.ExtraSetupTime(_options));
        var ct = deadline.Token;
        var watch = Stopwatch.StartNew();
        try
        {
            var api = silos.Owner;
            foreach (var client in silos.Clients)
            {
                if (!await client.IsHealthyAsync(ct))
                {
                    await _log.WriteLineAsync($"setup failed: nothing answers GET {client.BaseUrl}healthz; start a silo first (see --help)");
                    return null;
                }
            }

            var owner = await api.RegisterOwnerAsync(ct);
            await _log.WriteLineAsync($"setup: owner {owner.Name} ({owner.Id}) registered");

            var bots = new BotIdentity[_options.Bots];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, _options.Bots),
                new ParallelOptions { MaxDegreeOfParallelism = _options.SetupConcurrency, CancellationToken = ct },
                async (i, token) => bots[i] = await silos.For(i).CreateBotAsync(owner, i, token));
            await _log.WriteLineAsync($"setup: {bots.Length} bots created ({watch.Elapsed.TotalSeconds:0.0} s)");

            var connected = new BotSocket[bots.Length];
            try
            {
                await Parallel.ForEachAsync(
                    Enumerable.Range(0, bots.Length),
                    new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
                    async (i, token) =>
                    {
                        var silo = silos.SiloOf(bots[i]);
                        var socket = new BotSocket(bots[i], silo);
                        connected[i] = socket;
                        await socket.ConnectAsync(new Uri(silos.GatewayUrl(silo) + "?token=" + Uri.EscapeDataString(bots[i].Token)), ConnectTimeout, token);
                    });
            }
            finally
            {
                sockets.AddRange(connected.Where(s => s is not null));
            }

            await _log.WriteLineAsync($"setup: {sockets.Count} sockets connected and ready ({watch.Elapsed.TotalSeconds:0.0} s)");
            if (silos.Count > 1)
            {
                await _log.WriteLineAsync("setup: sockets per URL: " + SocketsPerUrl(silos.Urls, sockets));
            }

            var plan = await _scenario.SetupAsync(new ScenarioContext(api, owner, bots, _options, _log, silos), ct);
            await _log.WriteLineAsync($"setup: {_scenario.Describe(plan)} ({watch.Elapsed.TotalSeconds:0.0} s)");
            return plan;
        }
        catch (Exception ex) when (ex is ApiException or HttpRequestException or TimeoutException or InvalidOperationException
                                       or KeyNotFoundException or JsonException)
        {
            await _log.WriteLineAsync("setup failed: " + ex.Message);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await _log.WriteLineAsync($"setup failed: not finished after {watch.Elapsed.TotalSeconds:0} s");
            return null;
        }
    }

    private async Task<int> MeasureAsync(SiloTargets silos, ScenarioPlan plan, List<BotSocket> sockets, CancellationToken cancellationToken)
    {
        var startLoad = MachineLoad.Read();
        var stats = new SendStats();
        var pump = new MessagePump(silos, plan.Senders, _options.Rate, _options.Concurrency, stats);
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 10);
        var measureFrom = start + (_options.WarmupSeconds * Stopwatch.Frequency);
        var end = measureFrom + (_options.DurationSeconds * Stopwatch.Frequency);
        foreach (var socket in sockets)
        {
            socket.MeasureFrom(measureFrom);
        }

        await _log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"run: {_options.Rate} msg/s for {_options.WarmupSeconds} s warm-up + {_options.DurationSeconds} s measured"));

        // Hard stop: the send phase, plus the longest a send may take, plus the drain.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(_options.WarmupSeconds + _options.DurationSeconds + 45));
        using var progressStop = new CancellationTokenSource();
        var progress = ReportProgressAsync(stats, sockets, start, silos.Count > 1, progressStop.Token);
        var cpuAtStart = _options.ServerPid is { } pid ? ReadServerCpuAtAsync(pid, measureFrom, deadline.Token) : Task.FromResult<CpuSample?>(null);
        await pump.RunAsync(start, measureFrom, end, deadline.Token);
        var sendingDone = Stopwatch.GetTimestamp();

        var expected = plan.Rooms.Sum(r => r.Accepted * r.Members.Count);
        var drainUntil = Stopwatch.GetTimestamp() + (_options.DrainSeconds * Stopwatch.Frequency);
        while (sockets.Sum(s => s.Received) < expected && Stopwatch.GetTimestamp() < drainUntil && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }

        var drained = Stopwatch.GetElapsedTime(sendingDone);
        var serverCpu = await ServerCpuWindowAsync(cpuAtStart);
        await progressStop.CancelAsync();
        await progress;

        await Task.WhenAll(sockets.Select(s => s.CloseAsync(CloseTimeout)));
        var report = new LoadReport(_options, _scenario, plan, stats, sockets, measureFrom, drained, startLoad, serverCpu);
        return report.Write(_output);
    }

    /// <summary>The silo's CPU time once the measured window starts (after the warm-up); null if the run stopped first or the process is gone.</summary>
    private static async Task<CpuSample?> ReadServerCpuAtAsync(int pid, long at, CancellationToken cancellationToken)
    {
        try
        {
            var wait = at - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromTicks(wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        var now = Stopwatch.GetTimestamp();
        return ProcessCpu.ReadTicks(pid, out _) is { } ticks ? new CpuSample(ticks, now) : null;
    }

    /// <summary>Reads the silo's CPU time at the end of the drain and pairs it with the reading at the window's start.</summary>
    private async Task<ServerCpuWindow?> ServerCpuWindowAsync(Task<CpuSample?> atStart)
    {
        if (_options.ServerPid is not { } pid)
        {
            return null;
        }

        var endTicks = ProcessCpu.ReadTicks(pid, out var error);
        var end = endTicks is { } ticks ? new CpuSample(ticks, Stopwatch.GetTimestamp()) : (CpuSample?)null;
        var start = await atStart;
        if (start is null && end is not null)
        {
            error = "no reading at the start of the measured window (the run stopped early, or the process was gone)";
        }

        return new ServerCpuWindow(pid, ProcessCpu.TicksPerSecond, start, end, error);
    }

    /// <summary>Every 2 s until the drain ends: sends, errors, in flight, deliveries (with several URLs also how many of
    /// them were cross-silo). The counters are read while the sockets and sends update them.</summary>
    private async Task ReportProgressAsync(SendStats stats, List<BotSocket> sockets, long start, bool severalUrls, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                var cross = severalUrls ? string.Create(CultureInfo.InvariantCulture, $"  (cross-silo {sockets.Sum(s => s.CrossSiloReceived),10})") : "";
                await _log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {elapsed,6:0.0} s  sent {stats.Attempted,9}  accepted {stats.Accepted,9}  errors {stats.ErrorCount,6}  in flight {stats.InFlight,5}  deliveries {sockets.Sum(s => s.Received),10}{cross}"));
            }
        }
        catch (OperationCanceledException)
        {
            // Run finished.
        }
    }

    /// <summary>"http://127.0.0.1:5101/ 10, http://127.0.0.1:5102/ 10, …": connected sockets per URL.</summary>
    public static string SocketsPerUrl(IReadOnlyList<Uri> urls, IReadOnlyList<BotSocket> sockets) =>
        string.Join(", ", urls.Select((u, i) => string.Create(CultureInfo.InvariantCulture, $"{u} {sockets.Count(s => s.Silo == i)}")));
}
