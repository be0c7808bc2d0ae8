using System.Diagnostics;
using System.Globalization;

namespace Circul.LoadTest;

/// <summary>Checks what the sockets received against what the server accepted, and prints the numbers.</summary>
public sealed class LoadReport
{
    private readonly LoadTestOptions _options;
    private readonly IScenario _scenario;
    private readonly ScenarioPlan _plan;
    private readonly SendStats _stats;
    private readonly IReadOnlyList<BotSocket> _sockets;
    private readonly long _measureFrom;
    private readonly TimeSpan _drained;
    private readonly string _startLoad;
    private readonly ServerCpuWindow? _serverCpu;

    public LoadReport(LoadTestOptions options, IScenario scenario, ScenarioPlan plan, SendStats stats, IReadOnlyList<BotSocket> sockets, long measureFrom, TimeSpan drained, string startLoad, ServerCpuWindow? serverCpu = null)
    {
        _startLoad = startLoad;
        _serverCpu = serverCpu;
        _options = options;
        _scenario = scenario;
        _plan = plan;
        _stats = stats;
        _sockets = sockets;
        _measureFrom = measureFrom;
        _drained = drained;
    }

    /// <summary>Prints the report; returns the exit status.</summary>
    public int Write(TextWriter output)
    {
        var socketsByBot = _sockets.ToDictionary(s => s.Bot.Id, StringComparer.Ordinal);
        long expected = 0, received = 0, missing = 0, extra = 0, outOfOrder = 0, duplicates = 0;
        var incompleteRooms = 0;
        var incompleteLabels = new List<string>();
        var planned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var room in _plan.Rooms)
        {
            planned.Add(room.Id);
            var roomIncomplete = false;
            foreach (var member in room.Members)
            {
                expected += room.Accepted;
                var got = socketsByBot.TryGetValue(member.Id, out var socket) && socket.Rooms.TryGetValue(room.Id, out var tally) ? tally : null;
                var count = got?.Received ?? 0;
                received += count;
                outOfOrder += got?.OutOfOrder ?? 0;
                duplicates += got?.Duplicates ?? 0;
                if (count < room.Accepted)
                {
                    missing += room.Accepted - count;
                    roomIncomplete = true;
                }
                else if (count > room.Accepted)
                {
                    extra += count - room.Accepted;
                }
            }

            incompleteRooms += roomIncomplete ? 1 : 0;
            if (roomIncomplete && incompleteLabels.Count < 10)
            {
                incompleteLabels.Add(room.Label);
            }
        }

        // A socket that is not among a room's members must receive nothing from it (e.g. a restricted
        // bot in a channel its role hides): every such delivery is a leak.
        var membersByRoom = _plan.Rooms.ToDictionary(r => r.Id, r => r.Members.Select(m => m.Id).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var roomsById = _plan.Rooms.ToDictionary(r => r.Id, StringComparer.Ordinal);
        long leaked = 0;
        var leakedSockets = new HashSet<string>(StringComparer.Ordinal);
        var leakedRooms = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var socket in _sockets)
        {
            foreach (var (roomId, tally) in socket.Rooms)
            {
                if (tally.Received > 0 && membersByRoom.TryGetValue(roomId, out var members) && !members.Contains(socket.Bot.Id))
                {
                    leaked += tally.Received;
                    leakedSockets.Add(socket.Bot.Id);
                    leakedRooms.Add(roomsById[roomId].Label);
                }
            }
        }

        var ignored = _sockets.Sum(s => s.Rooms.Where(r => _plan.IgnoredRooms.Contains(r.Key)).Sum(r => r.Value.Received));
        var foreign = _sockets.Sum(s => s.Rooms.Where(r => !planned.Contains(r.Key) && !_plan.IgnoredRooms.Contains(r.Key)).Sum(r => r.Value.Received));
        var dropped = _sockets.Where(s => s.UnexpectedEnd is not null).ToList();
        var badFrames = _sockets.Sum(s => s.BadFrames);

        var latency = new LatencyHistogram();
        var sameSilo = new LatencyHistogram();
        var crossSilo = new LatencyHistogram();
        foreach (var socket in _sockets)
        {
            latency.Add(socket.Latency);
            sameSilo.Add(socket.SameSiloLatency);
            crossSilo.Add(socket.CrossSiloLatency);
        }

        var lastDelivery = _sockets.Count == 0 ? 0 : _sockets.Max(s => s.LastMeasuredAt);
        var deliverySeconds = lastDelivery > _measureFrom ? (double)(lastDelivery - _measureFrom) / Stopwatch.Frequency : 0;
        var measuredDeliveries = _sockets.Sum(s => s.MeasuredDeliveries);
        var achievedRate = _stats.MeasuredAccepted / (double)_options.DurationSeconds;
        var attemptedRate = _stats.MeasuredAttempted / (double)_options.DurationSeconds;

        var w = new ReportWriter(output);
        w.Plain("");
        w.Line($"=== Circul load test: {SiloTargets.Describe(_options.Urls)} scenario {_scenario.Name}, {_options.Bots} bots, {_scenario.Describe(_plan)}");
        w.Line($"    target {_options.Rate} msg/s for {_options.DurationSeconds} s (+{_options.WarmupSeconds} s warm-up), at most {_options.Concurrency} sends in flight");
        w.Line($"machine:            {_startLoad} at the start of sending; {MachineLoad.Read()} at the end");
        w.Line($"messages sent:      {_stats.Attempted} ({_stats.MeasuredAttempted} in the measured window)");
        w.Line($"201 Created:        {_stats.Created}");
        w.Line($"errors:             {(_stats.Errors.IsEmpty ? "none" : string.Join(", ", _stats.Errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} x{e.Value}")))}");
        w.Line($"send rate:          {achievedRate:0.0} msg/s accepted ({attemptedRate:0.0} attempted) of {_options.Rate} target: ratio {achievedRate / _options.Rate:0.000}");
        w.Line($"deliveries:         {received} received of {expected} expected ({Percent(received - extra, expected)}), {missing} missing, {extra} unexpected ({duplicates} duplicates), {outOfOrder} out of order");
        w.Line($"leaks:              {leaked} deliveries to sockets that must not see the room{(leaked > 0 ? $" ({leakedSockets.Count} sockets, rooms {string.Join(", ", leakedRooms.Take(10))})" : "")}");
        w.Line($"delivery rate:      {(deliverySeconds > 0 ? measuredDeliveries / deliverySeconds : 0):0.0} deliveries/s ({measuredDeliveries} measured deliveries)");
        w.Line($"end-to-end (ms):    p50 {latency.PercentileMilliseconds(50):0.00}  p90 {latency.PercentileMilliseconds(90):0.00}  p99 {latency.PercentileMilliseconds(99):0.00}  max {latency.MaxMilliseconds:0.00}   (send -> {(_scenario.Name == "panel" ? "panel_message" : "message_new")}, n={latency.Count})");
        WriteSiloSplit(w, sameSilo, crossSilo);
        w.Line($"HTTP send (ms):     p50 {_stats.HttpLatency.PercentileMilliseconds(50):0.00}  p99 {_stats.HttpLatency.PercentileMilliseconds(99):0.00}  max {_stats.HttpLatency.MaxMilliseconds:0.00}   (POST -> response, n={_stats.HttpLatency.Count})");
        w.Line($"drain:              {_drained.TotalSeconds:0.00} s after the last send");
        if (_options.Urls.Count > 1)
        {
            w.Plain("sockets per URL:    " + LoadRun.SocketsPerUrl(_options.Urls, _sockets));
        }

        if (_serverCpu is { } cpu)
        {
            WriteServerCpu(w, cpu, measuredDeliveries);
        }
        if (ignored > 0)
        {
            w.Line($"note:               {ignored} message events in rooms the scenario does not send to (e.g. join announcements; not counted)");
        }

        if (foreign > 0)
        {
            w.Line($"note:               {foreign} message events for rooms this run did not create (ignored)");
        }

        if (badFrames > 0)
        {
            w.Line($"note:               {badFrames} gateway frames were not valid JSON envelopes");
        }

        var failures = new List<string>(_plan.SetupFailures);
        if (leaked > 0)
        {
            failures.Add($"{leaked} deliveries LEAKED to {leakedSockets.Count} sockets not entitled to the room ({string.Join(", ", leakedRooms.Take(10))})");
        }

        if (_stats.Accepted == 0)
        {
            failures.Add("no message was accepted");
        }

        if (missing > 0)
        {
            failures.Add($"{missing} DELIVERIES MISSING in {incompleteRooms} of {_plan.Rooms.Count} rooms (accepted messages that a member socket never received; e.g. {string.Join(", ", incompleteLabels)})");
        }

        if (extra > 0 || duplicates > 0)
        {
            failures.Add($"{extra} unexpected deliveries ({duplicates} back-to-back duplicates; the rest: duplicates, or messages accepted although their POST failed)");
        }

        if (outOfOrder > 0)
        {
            failures.Add($"{outOfOrder} deliveries out of order (message id below the previous one in its room)");
        }

        if (dropped.Count > 0)
        {
            var reasons = dropped.GroupBy(s => s.UnexpectedEnd).Select(g => $"{g.Count()} x {g.Key}");
            failures.Add($"{dropped.Count} sockets ended early: {string.Join("; ", reasons)}");
        }

        if (_stats.ErrorCount > 0)
        {
            var hint = _stats.Errors.ContainsKey("429") ? " (429: start the server with Circul__RateLimits__Enabled=false, see --help)" : "";
            failures.Add($"{_stats.ErrorCount} sends did not answer 201{hint}");
        }

        if (failures.Count == 0)
        {
            w.Plain("RESULT: PASS");
            return LoadTestProgram.ExitOk;
        }

        w.Plain("");
        foreach (var failure in failures)
        {
            w.Plain("!!! FAILURE: " + failure);
        }

        w.Plain("RESULT: FAIL");
        return LoadTestProgram.ExitFailed;
    }

    /// <summary>
    /// The silo's CPU over the measured window (its start, after the warm-up, to the end of the drain): seconds, cores
    /// (CPU seconds per wall second) and microseconds per measured delivery. Everything the silo did in the window counts,
    /// the HTTP sends included; so do deliveries of late warm-up sends, which the measured deliveries do not.
    /// </summary>
    private static void WriteServerCpu(ReportWriter w, ServerCpuWindow cpu, long measuredDeliveries)
    {
        if (cpu.Start is not { } start || cpu.End is not { } end)
        {
            w.Line($"silo CPU:           n/a (pid {cpu.Pid}: {cpu.Error})");
            return;
        }

        var cpuSeconds = (double)(end.Ticks - start.Ticks) / cpu.TicksPerSecond;
        var wallSeconds = (double)(end.At - start.At) / Stopwatch.Frequency;
        w.Line($"silo CPU:           {cpuSeconds:0.00} s in {wallSeconds:0.00} s (measured window start -> end of drain): {(wallSeconds > 0 ? cpuSeconds / wallSeconds : 0):0.000} cores, pid {cpu.Pid}, {cpu.TicksPerSecond} ticks/s");
        if (measuredDeliveries > 0)
        {
            w.Line($"silo CPU/delivery:  {cpuSeconds * 1e6 / measuredDeliveries:0.00} us per measured delivery ({measuredDeliveries} measured deliveries)");
        }
        else
        {
            w.Plain("silo CPU/delivery:  n/a (no measured delivery)");
        }
    }

    /// <summary>
    /// End-to-end latency of same-silo deliveries (the sender's <c>--url</c> is the receiving socket's) and of
    /// cross-silo ones, and the ratio of their p99s. With one URL every delivery is same-silo, so only the cross-silo
    /// count (0) is printed. Same-silo is by URL: the grain that committed the message may still live on another silo.
    /// </summary>
    private void WriteSiloSplit(ReportWriter w, LatencyHistogram same, LatencyHistogram cross)
    {
        if (_options.Urls.Count == 1)
        {
            w.Line($"cross-silo:         n={cross.Count} (one --url: every delivery is same-silo)");
            return;
        }

        w.Line($"same-silo (ms):     {Percentiles(same)}   (sender's URL = receiver's URL, n={same.Count})");
        w.Line($"cross-silo (ms):    {Percentiles(cross)}   (sender's URL != receiver's URL, n={cross.Count})");
        var sameP99 = same.PercentileMilliseconds(99);
        var crossP99 = cross.PercentileMilliseconds(99);
        w.Plain(same.Count > 0 && cross.Count > 0 && sameP99 > 0
            ? string.Create(CultureInfo.InvariantCulture, $"cross/same p99:     x{crossP99 / sameP99:0.00}")
            : "cross/same p99:     n/a (no deliveries of one kind)");
    }

    private static string Percentiles(LatencyHistogram h) =>
        h.Count == 0
            ? "n/a"
            : string.Create(CultureInfo.InvariantCulture,
                $"p50 {h.PercentileMilliseconds(50):0.00}  p90 {h.PercentileMilliseconds(90):0.00}  p99 {h.PercentileMilliseconds(99):0.00}  max {h.MaxMilliseconds:0.00}");

    private static string Percent(long part, long whole) =>
        whole == 0 ? "n/a" : (100.0 * part / whole).ToString("0.000", CultureInfo.InvariantCulture) + " %";
}
