using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text;
using System.Text.Json;

namespace Circul.LoadTest;

/// <summary>
/// The <c>panel-scale</c> scenario: what a big panel costs. Creates <c>--bots</c> bots (only
/// <c>--observers</c> of them connect a socket), one panel with <c>general</c> + <c>--channels</c>
/// channels, and adds every bot to it one <c>POST /api/panels/{id}/bots</c> at a time (at most
/// <c>--add-concurrency</c> in flight), timing each add; compares the first and the last 1,000 adds
/// (a join's cost should not grow with the member count) and reads the server's memory from
/// <c>/metrics</c> before and after. With the panel full it times role changes and role assignments
/// (HTTP, and until every observer has the <c>panel_updated</c>), then sends <c>--messages</c>
/// messages one after another into one channel (HTTP latency, and send → <c>panel_message</c> at the
/// observers). The whole run stops after <c>--time-limit</c> seconds and reports what it measured.
/// </summary>
public sealed class PanelScaleRun
{
    private const int WindowSize = 1000;
    private const int RoleRepeats = 5;
    private const int MaxErrorSamples = 5;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PropagationTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    private readonly LoadTestOptions _options;
    private readonly TextWriter _output;
    private readonly TextWriter _log;
    private readonly Results _r = new();

    public PanelScaleRun(LoadTestOptions options, TextWriter output, TextWriter log)
    {
        _options = options;
        _output = output;
        _log = log;
    }

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        _r.StartLoad = MachineLoad.Read();
        var total = Stopwatch.StartNew();
        using var api = new CirculApiClient(_options.Url, Math.Max(_options.SetupConcurrency, _options.AddConcurrency) + 16);
        using var cap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cap.CancelAfter(TimeSpan.FromSeconds(_options.TimeLimitSeconds));
        var sockets = new List<BotSocket>();
        try
        {
            if (!await api.IsHealthyAsync(cap.Token))
            {
                await _log.WriteLineAsync($"setup failed: nothing answers GET {api.BaseUrl}healthz; start a silo first (see --help)");
                return LoadTestProgram.ExitSetupFailed;
            }

            await RunAsync(api, sockets, cap.Token);
        }
        catch (OperationCanceledException)
        {
            _r.Failures.Add(cancellationToken.IsCancellationRequested
                ? $"interrupted during: {_r.Phase}"
                : $"stopped by the {_options.TimeLimitSeconds} s time limit during: {_r.Phase}");
        }
        catch (Exception ex) when (ex is ApiException or HttpRequestException or TimeoutException or InvalidOperationException
                                       or KeyNotFoundException or JsonException)
        {
            _r.Failures.Add($"{_r.Phase}: {ex.Message}");
            _r.SetupFailed |= !_r.AddsStarted;
        }
        finally
        {
            await Task.WhenAll(sockets.Select(s => s.CloseAsync(CloseTimeout)));
            await Task.WhenAll(sockets.Select(s => s.DisposeAsync().AsTask()));
        }

        _r.Total = total.Elapsed;
        _r.EndLoad = MachineLoad.Read();
        return Write(sockets);
    }

    private async Task RunAsync(CirculApiClient api, List<BotSocket> sockets, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        _r.Phase = "reading /metrics";
        _r.MetricsStart = ServerMetrics.Parse(await api.GetMetricsTextAsync(ct));

        _r.Phase = "registering the owner";
        var owner = await api.RegisterOwnerAsync(ct);
        await Log($"setup: owner {owner.Name} ({owner.Id}) registered");

        _r.Phase = "creating bots";
        var bots = await CreateBotsAsync(api, owner, ct);
        if (bots.Count < _options.Observers + 1)
        {
            throw new InvalidOperationException($"only {bots.Count} bots were created; {_options.Observers + 1} at least are needed");
        }

        _r.Phase = "connecting observers";
        var gateway = GatewayUrl(api.BaseUrl);
        var observers = bots.Take(_options.Observers).ToList();
        foreach (var bot in observers)
        {
            var socket = new BotSocket(bot);
            sockets.Add(socket);
        }

        await Task.WhenAll(sockets.Select(s => s.ConnectAsync(new Uri(gateway + "?token=" + Uri.EscapeDataString(s.Bot.Token)), ConnectTimeout, ct)));
        await Log($"setup: {sockets.Count} observer sockets connected ({watch.Elapsed.TotalSeconds:0.0} s)");

        _r.Phase = "creating the panel";
        var panelId = await api.CreatePanelAsync(owner.Authorization, "load-scale-panel", ct);
        var initial = await api.ListChannelsAsync(owner.Authorization, panelId, ct);
        var channels = new List<PanelChannel>(initial);
        for (var i = 0; i < _options.Channels; i++)
        {
            channels.Add(await api.CreateChannelAsync(owner.Authorization, panelId, $"load-{i + 1}", ct));
        }

        var roleId = await api.CreateRoleAsync(owner.Authorization, panelId, "scale-role", [], ct);
        _r.ChannelCount = channels.Count;
        await Log($"setup: panel {panelId} with {channels.Count} channels and role {roleId} ({watch.Elapsed.TotalSeconds:0.0} s)");

        _r.Phase = "reading /metrics";
        _r.MetricsBeforeAdds = ServerMetrics.Parse(await api.GetMetricsTextAsync(ct));

        _r.Phase = "adding bots to the panel";
        _r.AddsStarted = true;
        await AddBotsAsync(api, owner, panelId, bots, ct);

        _r.Phase = "reading /metrics";
        _r.MetricsAfterAdds = ServerMetrics.Parse(await api.GetMetricsTextAsync(ct));

        _r.Phase = "reading the full panel";
        for (var i = 0; i < RoleRepeats; i++)
        {
            var get = await api.TimedAsync(HttpMethod.Get, $"/api/panels/{Uri.EscapeDataString(panelId)}", owner.Authorization, null, ct, keepBody: i == 0);
            _r.GetPanel.Add(get);
            if (!get.Ok)
            {
                _r.Failures.Add($"GET /api/panels/{panelId} answered {get.Label}: {get.ErrorBody}");
                break;
            }

            if (get.Body is not null)
            {
                using var doc = JsonDocument.Parse(get.Body);
                _r.MemberCount = doc.RootElement.TryGetProperty("member_count", out var count) && count.TryGetInt32(out var n) ? n : null;
            }
        }

        _r.Phase = "changing a role's permissions";
        var rolePath = CirculApiClient.RolePath(panelId, roleId);
        for (var i = 0; i < RoleRepeats; i++)
        {
            var permissions = i % 2 == 0 ? new[] { "add_reactions" } : Array.Empty<string>();
            var body = JsonSerializer.SerializeToUtf8Bytes(new { permissions });
            _r.RoleChanges.Add(await TimeWithPropagationAsync(sockets, () => api.TimedAsync(HttpMethod.Patch, rolePath, owner.Authorization, body, ct), ct));
        }

        _r.Phase = "assigning a role to a member";
        var assignees = bots.Skip(_options.Observers).Reverse().Take(RoleRepeats).ToList();
        foreach (var bot in assignees)
        {
            var path = CirculApiClient.MemberRolePath(panelId, bot.Id, roleId);
            _r.RoleAssignments.Add(await TimeWithPropagationAsync(sockets, () => api.TimedAsync(HttpMethod.Put, path, owner.Authorization, null, ct), ct));
        }

        await Log(Invariant($"run: role change and role assignment timed ({watch.Elapsed.TotalSeconds:0.0} s)"));

        _r.Phase = "sending messages";
        var channel = channels[^_options.Channels];
        _r.MessageChannel = "#" + channel.Name;
        await SendMessagesAsync(api, panelId, channel, observers, sockets, ct);

        _r.Phase = "reading /metrics";
        _r.MetricsEnd = ServerMetrics.Parse(await api.GetMetricsTextAsync(ct));
        _r.Phase = "done";
        _r.Completed = true;
    }

    private async Task<List<BotIdentity>> CreateBotsAsync(CirculApiClient api, OwnerIdentity owner, CancellationToken ct)
    {
        var n = _options.Bots;
        var bots = new BotIdentity?[n];
        long done = 0;
        var watch = Stopwatch.StartNew();
        using var stopProgress = new CancellationTokenSource();
        var progress = ProgressAsync(() => Invariant($"  bots created {Volatile.Read(ref done),6}/{n}  errors {_r.CreateErrors.Values.Sum()}"), () => Volatile.Read(ref done), stopProgress.Token);
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, n),
                new ParallelOptions { MaxDegreeOfParallelism = _options.SetupConcurrency, CancellationToken = ct },
                async (i, token) =>
                {
                    var body = JsonSerializer.SerializeToUtf8Bytes(new { name = $"loadbot-{i}", description = "created by Circul.LoadTest" });
                    var call = await api.TimedAsync(HttpMethod.Post, "/api/apps", owner.Authorization, body, token, keepBody: true);
                    _r.CreateLatency.RecordConcurrent(LatencyHistogram.TicksToMicros(call.ElapsedTicks));
                    if (call.Status == 201 && call.Body is not null)
                    {
                        using var doc = JsonDocument.Parse(call.Body);
                        bots[i] = new BotIdentity(i, doc.RootElement.GetProperty("app").GetProperty("id").GetString()!, doc.RootElement.GetProperty("token").GetString()!);
                    }
                    else
                    {
                        RecordError(_r.CreateErrors, _r.CreateErrorSamples, $"POST /api/apps (bot {i})", call);
                    }

                    Interlocked.Increment(ref done);
                });
        }
        finally
        {
            await stopProgress.CancelAsync();
            await progress;
        }

        _r.CreateSeconds = watch.Elapsed.TotalSeconds;
        var created = bots.Where(b => b is not null).Select(b => b!).ToList();
        _r.BotsCreated = created.Count;
        await Log(Invariant($"setup: {created.Count} of {n} bots created in {_r.CreateSeconds:0.0} s ({created.Count / _r.CreateSeconds:0} bots/s)"));
        if (created.Count < n)
        {
            _r.Failures.Add($"{n - created.Count} bot creations failed (POST /api/apps)");
        }

        return created;
    }

    private async Task AddBotsAsync(CirculApiClient api, OwnerIdentity owner, string panelId, List<BotIdentity> bots, CancellationToken ct)
    {
        var n = bots.Count;
        _r.Adds = new AddRecord[n];
        var path = CirculApiClient.PanelBotsPath(panelId);
        long done = 0;
        var watch = Stopwatch.StartNew();
        using var stopProgress = new CancellationTokenSource();
        var progress = ProgressAsync(() => Invariant($"  panel adds {Volatile.Read(ref done),6}/{n}  errors {_r.AddErrors.Values.Sum()}"), () => Volatile.Read(ref done), stopProgress.Token);
        try
        {
            // Parallel.ForEachAsync pulls items in order, so adds are issued in index order: the
            // first window is the first 1,000 adds issued, the last window the last 1,000.
            await Parallel.ForEachAsync(
                Enumerable.Range(0, n),
                new ParallelOptions { MaxDegreeOfParallelism = _options.AddConcurrency, CancellationToken = ct },
                async (i, token) =>
                {
                    var body = JsonSerializer.SerializeToUtf8Bytes(new { bot_id = bots[i].Id });
                    var call = await api.TimedAsync(HttpMethod.Post, path, owner.Authorization, body, token);
                    _r.Adds[i] = new AddRecord(call.StartedAt, call.EndedAt, call.ResponseBytes, call.Ok);
                    if (!call.Ok)
                    {
                        RecordError(_r.AddErrors, _r.AddErrorSamples, $"POST {path} (add #{i + 1}, bot {bots[i].Id})", call);
                    }

                    Interlocked.Increment(ref done);
                });
        }
        finally
        {
            _r.AddSeconds = watch.Elapsed.TotalSeconds;
            _r.AddsDone = (int)Volatile.Read(ref done);
            await stopProgress.CancelAsync();
            await progress;
        }

        await Log(Invariant($"setup: {n} adds in {_r.AddSeconds:0.0} s ({n / _r.AddSeconds:0.0} adds/s), {_r.AddErrors.Values.Sum()} errors"));
        if (_r.AddErrors.Count > 0)
        {
            _r.Failures.Add($"{_r.AddErrors.Values.Sum()} panel adds did not answer 2xx ({FormatCounts(_r.AddErrors)})");
        }
    }

    /// <summary>Runs one panel change; measures its HTTP time and the time until every observer socket has a new <c>panel_updated</c>.</summary>
    private async Task<PropagatedCall> TimeWithPropagationAsync(List<BotSocket> sockets, Func<Task<TimedCall>> change, CancellationToken ct)
    {
        var before = sockets.Select(s => s.PanelUpdates).ToArray();
        var call = await change();
        if (!call.Ok)
        {
            _r.Failures.Add($"{_r.Phase}: answered {call.Label}: {call.ErrorBody}");
            return new PropagatedCall(call, null, 0, 0);
        }

        var until = Stopwatch.GetTimestamp() + (long)(PropagationTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until && sockets.Where((s, i) => s.PanelUpdates <= before[i]).Any())
        {
            await Task.Delay(5, ct);
        }

        var got = sockets.Where((s, i) => s.PanelUpdates > before[i]).ToList();
        if (got.Count < sockets.Count)
        {
            _r.Failures.Add($"{_r.Phase}: only {got.Count} of {sockets.Count} observers received panel_updated within {PropagationTimeout.TotalSeconds:0} s");
            return new PropagatedCall(call, null, got.Count, 0);
        }

        var last = got.Max(s => s.LastPanelUpdateAt);
        return new PropagatedCall(call, (last - call.StartedAt) * 1000.0 / Stopwatch.Frequency, got.Count, got.Max(s => s.LastPanelUpdateBytes));
    }

    private async Task SendMessagesAsync(CirculApiClient api, string panelId, PanelChannel channel, List<BotIdentity> observers, List<BotSocket> sockets, CancellationToken ct)
    {
        var path = CirculApiClient.ChannelMessagesPath(panelId, channel.Id);
        var measureFrom = Stopwatch.GetTimestamp();
        foreach (var socket in sockets)
        {
            socket.MeasureFrom(measureFrom);
        }

        var receivedBefore = sockets.Sum(s => s.Received);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < _options.Messages; i++)
        {
            var sender = observers[i % observers.Count];
            var now = Stopwatch.GetTimestamp();
            var result = await api.SendMessageAsync(path, sender.Authorization, MessageStamp.CreateBody(now, i), ct);
            _r.SendStats.Started(measured: true);
            _r.SendStats.Completed(result, measured: true);
        }

        _r.SendSeconds = watch.Elapsed.TotalSeconds;
        var expected = _r.SendStats.Accepted * sockets.Count;
        var drainUntil = Stopwatch.GetTimestamp() + (_options.DrainSeconds * Stopwatch.Frequency);
        while (sockets.Sum(s => s.Received) - receivedBefore < expected && Stopwatch.GetTimestamp() < drainUntil)
        {
            await Task.Delay(20, ct);
        }

        _r.MessageChannelId = channel.Id;
        await Log(Invariant($"run: {_options.Messages} messages sent in {_r.SendSeconds:0.0} s, {sockets.Sum(s => s.Received) - receivedBefore} of {expected} deliveries"));
    }

    private int Write(List<BotSocket> sockets)
    {
        var w = new ReportWriter(_output);
        var o = _options;
        w.Plain("");
        w.Line($"=== Circul panel-scale: {o.Url} {o.Bots} bots, 1 panel (general + {o.Channels} channels), {o.Observers} observer sockets; {o.SetupConcurrency} creations / {o.AddConcurrency} adds in flight");
        w.Line($"machine:            {_r.StartLoad} at the start; {_r.EndLoad} at the end; run took {_r.Total.TotalSeconds:0.0} s");
        if (_r.BotsCreated > 0 || _r.CreateLatency.Count > 0)
        {
            w.Line($"bots created:       {_r.BotsCreated} of {o.Bots} in {_r.CreateSeconds:0.0} s ({_r.BotsCreated / Math.Max(_r.CreateSeconds, 1e-9):0.0}/s); POST /api/apps p50 {_r.CreateLatency.PercentileMilliseconds(50):0.00} ms  p99 {_r.CreateLatency.PercentileMilliseconds(99):0.00} ms  max {_r.CreateLatency.MaxMilliseconds:0.00} ms; errors {FormatCounts(_r.CreateErrors)}");
        }

        WriteAdds(w);
        WriteMemory(w);

        if (_r.GetPanel.Count > 0)
        {
            var gets = _r.GetPanel.Select(g => g.ElapsedMilliseconds).ToList();
            var get = _r.GetPanel[0];
            w.Line($"GET panel:          {get.Label}, first {gets[0]:0.0} ms, median {Median(gets):0.0} ms (n={gets.Count}), {get.ResponseBytes / 1024.0:0.0} KiB, member_count {(_r.MemberCount?.ToString(CultureInfo.InvariantCulture) ?? "?")} (expected {(_r.Adds?.Count(a => a.Ok) ?? 0) + 1}: the bots added + the owner)");
            if (_r.MemberCount is { } members && _r.Adds is not null && members != _r.Adds.Count(a => a.Ok) + 1)
            {
                _r.Failures.Add($"member_count is {members} after {_r.Adds.Count(a => a.Ok)} successful adds (+ the owner)");
            }
        }

        WritePropagated(w, "role change:        PATCH role permissions", _r.RoleChanges);
        WritePropagated(w, "role assignment:    PUT member role       ", _r.RoleAssignments);
        WriteMessages(w, sockets);

        foreach (var sample in _r.CreateErrorSamples.Concat(_r.AddErrorSamples))
        {
            w.Plain("error sample:       " + sample);
        }

        var closed = sockets.Where(s => s.UnexpectedEnd is not null).ToList();
        if (closed.Count > 0)
        {
            _r.Failures.Add($"{closed.Count} observer sockets ended early: {string.Join("; ", closed.GroupBy(s => s.UnexpectedEnd).Select(g => $"{g.Count()} x {g.Key}"))}");
        }

        if (_r.Failures.Count == 0 && _r.Completed)
        {
            w.Plain("RESULT: PASS");
            return LoadTestProgram.ExitOk;
        }

        w.Plain("");
        foreach (var failure in _r.Failures)
        {
            w.Plain("!!! FAILURE: " + failure);
        }

        w.Plain("RESULT: FAIL");
        return _r.SetupFailed ? LoadTestProgram.ExitSetupFailed : LoadTestProgram.ExitFailed;
    }

    private void WriteAdds(ReportWriter w)
    {
        if (_r.Adds is not { } adds)
        {
            return;
        }

        var ok = adds.Count(a => a.Ok);
        w.Line($"panel adds:         {_r.AddsDone} of {adds.Length} done, {ok} answered 2xx, in {_r.AddSeconds:0.0} s ({_r.AddsDone / Math.Max(_r.AddSeconds, 1e-9):0.0} adds/s); errors {FormatCounts(_r.AddErrors)}");
        var done = adds.Where(a => a.EndedAt != 0).ToArray();
        var size = Math.Min(WindowSize, done.Length / 2);
        if (size == 0)
        {
            return;
        }

        var first = Window(adds.Take(size));
        var last = Window(adds.Where(a => a.EndedAt != 0).TakeLast(size));
        var all = Window(done);
        w.Line($"  all adds:         p50 {all.P50:0.00} ms  p90 {all.P90:0.00} ms  p99 {all.P99:0.00} ms  max {all.Max:0.00} ms");
        w.Line($"  first {size,5}:      p50 {first.P50:0.00} ms  p99 {first.P99:0.00} ms  max {first.Max:0.00} ms  {first.Rate:0.0} adds/s  response {first.AvgBytes / 1024.0:0.0} KiB avg");
        w.Line($"  last {size,5}:       p50 {last.P50:0.00} ms  p99 {last.P99:0.00} ms  max {last.Max:0.00} ms  {last.Rate:0.0} adds/s  response {last.AvgBytes / 1024.0:0.0} KiB avg");
        var block = Math.Max(1, Math.Min(WindowSize, adds.Length / 10));
        var blocks = adds.Chunk(block).Where(c => c.Any(a => a.EndedAt != 0)).Select(Window).ToList();
        w.Line($"  per {block} adds:     adds/s {string.Join(" ", blocks.Select(b => b.Rate.ToString("0", CultureInfo.InvariantCulture)))}");
        w.Line($"                    p50 ms {string.Join(" ", blocks.Select(b => b.P50.ToString("0.0", CultureInfo.InvariantCulture)))}");
        w.Line($"  last / first:     p50 x{last.P50 / Math.Max(first.P50, 1e-9):0.00}  p99 x{last.P99 / Math.Max(first.P99, 1e-9):0.00}  adds/s x{last.Rate / Math.Max(first.Rate, 1e-9):0.00}  response size x{last.AvgBytes / Math.Max(first.AvgBytes, 1e-9):0.0}   (flat cost: about x1)");
    }

    private void WriteMemory(ReportWriter w)
    {
        var before = _r.MetricsBeforeAdds;
        var after = _r.MetricsAfterAdds;
        if (before[ServerMetrics.ResidentMemory] is null && after[ServerMetrics.ResidentMemory] is null)
        {
            w.Line($"server memory:      /metrics had no {ServerMetrics.ResidentMemory}");
            return;
        }

        var members = Math.Max(1, _r.Adds?.Count(a => a.Ok) ?? 1);
        string Delta(string name)
        {
            if (before[name] is not { } b || after[name] is not { } a)
            {
                return "";
            }

            return Invariant($" ({(a - b) / (1024 * 1024):+0.0;-0.0} MiB, {(a - b) / members / 1024:+0.00;-0.00} KiB per member)");
        }

        w.Line($"server memory:      at start RSS {ServerMetrics.Megabytes(_r.MetricsStart[ServerMetrics.ResidentMemory])}, GC heap {ServerMetrics.Megabytes(_r.MetricsStart[ServerMetrics.GcHeap])}");
        w.Line($"  before adds:      RSS {ServerMetrics.Megabytes(before[ServerMetrics.ResidentMemory])}, GC heap {ServerMetrics.Megabytes(before[ServerMetrics.GcHeap])}, gen2 GCs {before[ServerMetrics.Gen2Collections]}, grain activations {before[ServerMetrics.GrainActivations]}");
        if (after[ServerMetrics.ResidentMemory] is null)
        {
            w.Plain("  after adds:       not read (the run stopped first)");
        }
        else
        {
            w.Line($"  after adds:       RSS {ServerMetrics.Megabytes(after[ServerMetrics.ResidentMemory])}{Delta(ServerMetrics.ResidentMemory)}, GC heap {ServerMetrics.Megabytes(after[ServerMetrics.GcHeap])}{Delta(ServerMetrics.GcHeap)}, gen2 GCs {after[ServerMetrics.Gen2Collections]}, grain activations {after[ServerMetrics.GrainActivations]}");
        }

        if (_r.MetricsEnd[ServerMetrics.ResidentMemory] is not null)
        {
            var end = _r.MetricsEnd;
            w.Line($"  at the end:       RSS {ServerMetrics.Megabytes(end[ServerMetrics.ResidentMemory])}, GC heap {ServerMetrics.Megabytes(end[ServerMetrics.GcHeap])}, gen2 GCs {end[ServerMetrics.Gen2Collections]}; gateway events sent {end[ServerMetrics.EventsSent]}, dropped {end[ServerMetrics.EventsDropped]}, slow-closed {end[ServerMetrics.SlowClosed]}");
        }

        w.Plain("  (read as is, no collection forced: the GC heap includes garbage not yet collected, RSS includes freed-but-kept memory)");
    }

    private static void WritePropagated(ReportWriter w, string label, List<PropagatedCall> calls)
    {
        if (calls.Count == 0)
        {
            return;
        }

        var http = calls.Select(c => c.Call.ElapsedMilliseconds).ToList();
        var seen = calls.Where(c => c.PropagationMs is not null).Select(c => c.PropagationMs!.Value).ToList();
        var statuses = string.Join(",", calls.Select(c => c.Call.Label).Distinct());
        var propagation = seen.Count == 0 ? "n/a" : Invariant($"first {seen[0]:0.0} ms, median {Median(seen):0.0} ms, max {seen.Max():0.0} ms");
        w.Line($"{label}: HTTP first {http[0]:0.0} ms, median {Median(http):0.0} ms, max {http.Max():0.0} ms (n={calls.Count}, {statuses}); until every observer had panel_updated: {propagation}; response {calls[0].Call.ResponseBytes / 1024.0:0.0} KiB, panel_updated frame {calls.Max(c => c.EventBytes) / 1024.0:0.0} KiB");
    }

    private void WriteMessages(ReportWriter w, List<BotSocket> sockets)
    {
        var stats = _r.SendStats;
        if (stats.Attempted == 0)
        {
            return;
        }

        var latency = new LatencyHistogram();
        long received = 0, outOfOrder = 0, duplicates = 0, missing = 0, extra = 0;
        foreach (var socket in sockets)
        {
            latency.Add(socket.Latency);
            var tally = _r.MessageChannelId is not null && socket.Rooms.TryGetValue(_r.MessageChannelId, out var t) ? t : null;
            var count = tally?.Received ?? 0;
            received += count;
            outOfOrder += tally?.OutOfOrder ?? 0;
            duplicates += tally?.Duplicates ?? 0;
            missing += Math.Max(0, stats.Accepted - count);
            extra += Math.Max(0, count - stats.Accepted);
        }

        var expected = stats.Accepted * sockets.Count;
        w.Line($"messages:           {stats.Attempted} sent one after another into {_r.MessageChannel} in {_r.SendSeconds:0.0} s; 201 x{stats.Created}; errors {(stats.Errors.IsEmpty ? "none" : FormatCounts(stats.Errors))}");
        w.Line($"  HTTP send (ms):   p50 {stats.HttpLatency.PercentileMilliseconds(50):0.00}  p90 {stats.HttpLatency.PercentileMilliseconds(90):0.00}  p99 {stats.HttpLatency.PercentileMilliseconds(99):0.00}  max {stats.HttpLatency.MaxMilliseconds:0.00}  (n={stats.HttpLatency.Count})");
        w.Line($"  end-to-end (ms):  p50 {latency.PercentileMilliseconds(50):0.00}  p90 {latency.PercentileMilliseconds(90):0.00}  p99 {latency.PercentileMilliseconds(99):0.00}  max {latency.MaxMilliseconds:0.00}  (send -> panel_message at an observer, n={latency.Count})");
        w.Line($"  deliveries:       {received} of {expected} expected, {missing} missing, {extra} unexpected ({duplicates} duplicates), {outOfOrder} out of order");
        if (missing > 0)
        {
            _r.Failures.Add($"{missing} DELIVERIES MISSING to the observers in {_r.MessageChannel}");
        }

        if (extra > 0 || outOfOrder > 0)
        {
            _r.Failures.Add($"{extra} unexpected and {outOfOrder} out-of-order deliveries in {_r.MessageChannel}");
        }

        if (stats.ErrorCount > 0)
        {
            _r.Failures.Add($"{stats.ErrorCount} message sends did not answer 201 ({FormatCounts(stats.Errors)})");
        }
    }

    private static WindowStats Window(IEnumerable<AddRecord> records)
    {
        var list = records.Where(a => a.EndedAt != 0).ToList();
        var histogram = new LatencyHistogram();
        foreach (var a in list)
        {
            histogram.Record(LatencyHistogram.TicksToMicros(a.EndedAt - a.StartedAt));
        }

        var span = list.Count == 0 ? 0 : (list.Max(a => a.EndedAt) - list.Min(a => a.StartedAt)) / (double)Stopwatch.Frequency;
        return new WindowStats(
            histogram.PercentileMilliseconds(50), histogram.PercentileMilliseconds(90), histogram.PercentileMilliseconds(99), histogram.MaxMilliseconds,
            span > 0 ? list.Count / span : 0,
            list.Count == 0 ? 0 : list.Average(a => (double)a.ResponseBytes));
    }

    private static void RecordError(ConcurrentDictionary<string, long> counts, ConcurrentQueue<string> samples, string what, TimedCall call)
    {
        counts.AddOrUpdate(call.Label, 1, static (_, n) => n + 1);
        if (samples.Count < MaxErrorSamples)
        {
            samples.Enqueue(Invariant($"{what} answered {call.Label} after {call.ElapsedMilliseconds:0} ms: {call.ErrorBody}"));
        }
    }

    private async Task ProgressAsync(Func<string> line, Func<long> count, CancellationToken ct)
    {
        var last = count();
        var lastAt = Stopwatch.GetTimestamp();
        try
        {
            while (true)
            {
                await Task.Delay(ProgressInterval, ct);
                var now = count();
                var rate = (now - last) / Stopwatch.GetElapsedTime(lastAt).TotalSeconds;
                (last, lastAt) = (now, Stopwatch.GetTimestamp());
                await _log.WriteLineAsync(Invariant($"{line()}  ({rate:0.0}/s over the last {ProgressInterval.TotalSeconds:0} s)  [{MachineLoad.Read()}]"));
            }
        }
        catch (OperationCanceledException)
        {
            // Phase over.
        }
    }

    private Task Log(string line) => _log.WriteLineAsync(line);

    private static string FormatCounts(ConcurrentDictionary<string, long> counts) =>
        counts.IsEmpty ? "none" : string.Join(", ", counts.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} x{e.Value}"));

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string GatewayUrl(Uri baseUrl)
    {
        var builder = new UriBuilder(baseUrl)
        {
            Scheme = baseUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Path = "/ws",
        };
        return builder.Uri.GetLeftPart(UriPartial.Path);
    }

    /// <summary>One add: Stopwatch timestamps of the start and of the full response (0 when it never ran), response size, 2xx or not.</summary>
    private readonly record struct AddRecord(long StartedAt, long EndedAt, int ResponseBytes, bool Ok);

    private readonly record struct WindowStats(double P50, double P90, double P99, double Max, double Rate, double AvgBytes);

    private sealed record PropagatedCall(TimedCall Call, double? PropagationMs, int ObserversReached, long EventBytes);

    /// <summary>Everything measured so far; the report prints whatever the run got to.</summary>
    private sealed class Results
    {
        public string Phase { get; set; } = "starting";

        public bool AddsStarted { get; set; }

        public bool SetupFailed { get; set; }

        public bool Completed { get; set; }

        public List<string> Failures { get; } = [];

        public string StartLoad { get; set; } = "";

        public string EndLoad { get; set; } = "";

        public TimeSpan Total { get; set; }

        public ServerMetrics MetricsStart { get; set; } = ServerMetrics.None;

        public ServerMetrics MetricsBeforeAdds { get; set; } = ServerMetrics.None;

        public ServerMetrics MetricsAfterAdds { get; set; } = ServerMetrics.None;

        public ServerMetrics MetricsEnd { get; set; } = ServerMetrics.None;

        public int BotsCreated { get; set; }

        public double CreateSeconds { get; set; }

        public LatencyHistogram CreateLatency { get; } = new();

        public ConcurrentDictionary<string, long> CreateErrors { get; } = new(StringComparer.Ordinal);

        public ConcurrentQueue<string> CreateErrorSamples { get; } = new();

        public int ChannelCount { get; set; }

        public AddRecord[]? Adds { get; set; }

        public int AddsDone { get; set; }

        public double AddSeconds { get; set; }

        public ConcurrentDictionary<string, long> AddErrors { get; } = new(StringComparer.Ordinal);

        public ConcurrentQueue<string> AddErrorSamples { get; } = new();

        public List<TimedCall> GetPanel { get; } = [];

        public int? MemberCount { get; set; }

        public List<PropagatedCall> RoleChanges { get; } = [];

        public List<PropagatedCall> RoleAssignments { get; } = [];

        public string MessageChannel { get; set; } = "";

        public string? MessageChannelId { get; set; }

        public double SendSeconds { get; set; }

        public SendStats SendStats { get; } = new();
    }
}
