using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Circul.Cluster.Tests.Infrastructure;
using Circul.Silo.Tests.Infrastructure;

namespace Circul.Cluster.Tests;

/// <summary>A silo killed under load, and one shut down gracefully: nothing acknowledged is lost, presence follows,
/// clients move to another silo and catch up.</summary>
public sealed class SiloFailureTests : IAsyncLifetime
{
    private readonly Infrastructure.Cluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task KillingASiloUnderLoad_LosesNoAcknowledgedMessage_TakesItsUsersOfflineWithin5s_AndItsBotsCatchUpElsewhere()
    {
        var owner = await _cluster.NewHumanAsync(0);
        var sender = await _cluster.NewBotAsync(owner, 0);
        var victim = await _cluster.NewBotAsync(owner, 2);
        var group = (await owner.PostAsync("/api/groups", new { name = "load", member_ids = new[] { sender.Id, victim.Id } }))
            .Expect(HttpStatusCode.Created).Json.Str("id");
        await using var watcher = await owner.ConnectReadyAsync();
        var victimSocket = await victim.ConnectReadyAsync();
        await watcher.NextEventAsync("status_change", e => e.Payload.Str("user_id") == victim.Id && e.Payload.Str("status") == "online",
            what: "the victim bot online");

        // Load: two senders through the silos that live, one through the one that dies.
        var acknowledged = new ConcurrentBag<(string Id, string Text)>();
        var outcomes = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, 3).Select(i => Task.Run(async () =>
        {
            var client = sender.At(_cluster.Silos[i].BaseUrl);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var text = $"s{i}-{n}";
                try
                {
                    var response = await client.PostAsync($"/api/groups/{group}/messages", new { text });
                    outcomes.AddOrUpdate(((int)response.Status).ToString(), 1, (_, c) => c + 1);
                    if (response.Status == HttpStatusCode.Created)
                    {
                        acknowledged.Add((response.Json.Str("id"), text));
                    }
                    else
                    {
                        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
                    }
                }
                catch (HttpRequestException)
                {
                    outcomes.AddOrUpdate("connection failed", 1, (_, c) => c + 1);
                    if (i == 2)
                    {
                        return; // the silo this sender talked to is gone
                    }

                    throw;
                }

                await Task.Delay(10);
            }
        })).ToArray();

        await Task.Delay(1500);
        var lastSeen = victimSocket.ReceivedOf("message_new").LastOrDefault()?.Payload.Prop("message").Str("id");
        var killedAt = Stopwatch.StartNew();
        _cluster.Silos[2].Kill();
        await victimSocket.DisposeAsync();

        var offline = await watcher.NextEventAsync("status_change", e => e.Payload.Str("user_id") == victim.Id && e.Payload.Str("status") == "offline",
            timeout: TimeSpan.FromSeconds(15), what: "the victim bot offline after its silo died");
        var offlineAfter = killedAt.Elapsed;
        await Task.Delay(1500);
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        // Its bot reconnects elsewhere: the session died with the silo, so it starts over and catches up.
        var moved = victim.At(_cluster.Silos[1].BaseUrl);
        await using var again = await moved.ConnectAsync(sessionId: "gone-with-the-silo", lastSeq: 3);
        await again.NextEventAsync("invalid_session", what: "invalid_session for a session of the dead silo");
        await again.NextEventAsync("ready", what: "a fresh session");
        var caughtUp = await ReadAllAsync(moved, $"/api/groups/{group}/messages", lastSeen);
        var history = await ReadAllAsync(owner.At(_cluster.Silos[0].BaseUrl), $"/api/groups/{group}/messages", null);

        var ids = history.Select(m => m.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(history.Count, history.Select(m => m.Text).Distinct().Count());
        var missing = acknowledged.Where(a => !ids.Contains(a.Id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged messages missing, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.True(acknowledged.Count > 50, $"too little load to mean anything: {acknowledged.Count} acknowledged; outcomes {string.Join(", ", outcomes)}");
        Assert.True(offlineAfter < TimeSpan.FromSeconds(5), $"offline {offlineAfter.TotalSeconds:0.0} s after the kill (limit 5 s)");
        Assert.Equal(history.Where(m => lastSeen is null || string.CompareOrdinal(m.Id, lastSeen) > 0).Select(m => m.Id), caughtUp.Select(m => m.Id));
        Assert.Single(watcher.ReceivedOf("status_change", e => e.Payload.Str("user_id") == victim.Id && e.Payload.Str("status") == "offline"));
        _ = offline;
    }

    [Fact]
    public async Task SigtermOnASilo_ClosesItsSocketsWith4004_AndTheBotResumesWorkOnAnother()
    {
        var owner = await _cluster.NewHumanAsync(0);
        var bot = await _cluster.NewBotAsync(owner, 1);
        var dm = (await owner.PostAsync("/api/conversations", new { peer_id = bot.Id })).Expect(HttpStatusCode.OK).Json.Str("id");
        await using var socket = await bot.ConnectReadyAsync();

        await _cluster.Silos[1].TerminateAsync(TimeSpan.FromSeconds(30));
        await socket.ExpectCloseAsync(4004);

        var moved = bot.At(_cluster.Silos[2].BaseUrl);
        await using var again = await moved.ConnectReadyAsync();
        var sent = (await owner.PostAsync($"/api/conversations/{dm}/messages", new { text = "after the move" })).Expect(HttpStatusCode.Created).Json.Str("id");
        var received = await again.NextEventAsync("message_new", e => e.Payload.Prop("message").Str("id") == sent, what: "a message after reconnecting");
        Assert.Equal("after the move", received.Payload.Prop("message").Str("text"));
    }

    /// <summary>Every message after <paramref name="after"/> (all of them when null), oldest first.</summary>
    private static async Task<List<(string Id, string Text)>> ReadAllAsync(Client client, string path, string? after)
    {
        var all = new List<(string Id, string Text)>();
        if (after is null)
        {
            // Backwards from the newest.
            string? before = null;
            while (true)
            {
                var query = before is null ? $"{path}?limit=100" : $"{path}?limit=100&before={before}";
                var page = (await client.GetAsync(query)).Expect(HttpStatusCode.OK).Json.Items();
                all.AddRange(page.Select(m => (m.Str("id"), m.Str("text"))));
                if (page.Length < 100)
                {
                    return [.. all.OrderBy(m => m.Item1, StringComparer.Ordinal)];
                }

                before = page.Min(m => m.Str("id"));
            }
        }

        var cursor = after;
        while (true)
        {
            var page = (await client.GetAsync($"{path}?limit=100&after={cursor}")).Expect(HttpStatusCode.OK).Json.Items();
            var items = page.Select(m => (m.Str("id"), m.Str("text"))).OrderBy(m => m.Item1, StringComparer.Ordinal).ToList();
            all.AddRange(items);
            if (items.Count < 100)
            {
                return all;
            }

            cursor = items[^1].Item1;
        }
    }
}
