using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Circul.Cluster.Tests.Infrastructure;
using Circul.Silo.Tests.Infrastructure;

namespace Circul.Cluster.Tests;

/// <summary>PostgreSQL stopped and started under load: quick 503s while it is down, sockets stay open, every silo
/// recovers by itself, and nothing answered 201 is missing.</summary>
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private readonly OwnServerCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task PostgresDownUnderLoad_Answers503Quickly_KeepsSocketsOpen_AndRecoversWithoutLosingAcknowledgedMessages()
    {
        var owner = await _cluster.NewHumanAsync(0);
        var a = await _cluster.NewBotAsync(owner, 0);
        var b = await _cluster.NewBotAsync(owner, 1);
        var group = (await owner.PostAsync("/api/groups", new { name = "outage", member_ids = new[] { a.Id, b.Id } }))
            .Expect(HttpStatusCode.Created).Json.Str("id");
        await using var socketA = await a.ConnectReadyAsync();
        await using var socketB = await b.ConnectReadyAsync();

        var acknowledged = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var slowest = TimeSpan.Zero;
        using var stop = new CancellationTokenSource();
        var load = new[] { a, b }.Select(bot => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var timer = Stopwatch.StartNew();
                var response = await bot.PostAsync($"/api/groups/{group}/messages", new { text = $"{bot.Label}-{n}" });
                lock (statuses)
                {
                    slowest = timer.Elapsed > slowest ? timer.Elapsed : slowest;
                }

                statuses.AddOrUpdate((int)response.Status, 1, (_, c) => c + 1);
                if (response.Status == HttpStatusCode.Created)
                {
                    acknowledged.Add(response.Json.Str("id"));
                }

                await Task.Delay(20);
            }
        })).ToArray();

        await Task.Delay(1000);
        await _cluster.Database.StopServerAsync();
        await Task.Delay(1500);
        var readyWhileDown = await StatusOfAsync(_cluster.Silos[0].BaseUrl + "/readyz");
        await Task.Delay(1500);
        await _cluster.Database.StartServerAsync();

        // Recovery by itself: sends succeed again on both silos.
        var recoveredAt = Stopwatch.StartNew();
        foreach (var bot in new[] { a, b })
        {
            while ((await bot.PostAsync($"/api/groups/{group}/messages", new { text = "probe" })).Status != HttpStatusCode.Created)
            {
                Assert.True(recoveredAt.Elapsed < TimeSpan.FromSeconds(30), $"{bot.BaseUrl} did not recover within 30 s");
                await Task.Delay(200);
            }
        }

        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyWhileDown);
        Assert.True(statuses.GetValueOrDefault(503) > 0, $"no 503 while PostgreSQL was down: {string.Join(", ", statuses)}");
        Assert.Equal([201, 503], statuses.Keys.Order());
        Assert.True(slowest < TimeSpan.FromSeconds(5), $"a request took {slowest.TotalSeconds:0.0} s");
        Assert.Equal(WebSocketState.Open, socketA.State);
        Assert.Equal(WebSocketState.Open, socketB.State);
        var marker = (await a.PostAsync($"/api/groups/{group}/messages", new { text = "after recovery" })).Expect(HttpStatusCode.Created).Json.Str("id");
        await socketB.NextEventAsync("message_new", e => e.Payload.Prop("message").Str("id") == marker, what: "an event on the socket that lived through the outage");

        var stored = new HashSet<string>();
        string? before = null;
        while (true)
        {
            var page = (await owner.GetAsync($"/api/groups/{group}/messages?limit=100" + (before is null ? "" : $"&before={before}")))
                .Expect(HttpStatusCode.OK).Json.Items();
            foreach (var m in page)
            {
                Assert.True(stored.Add(m.Str("id")), "a message listed twice");
            }

            if (page.Length < 100)
            {
                break;
            }

            before = page.Min(m => m.Str("id"));
        }

        var missing = acknowledged.Where(id => !stored.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged messages missing");
    }

    private static async Task<HttpStatusCode> StatusOfAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return (await http.GetAsync(url)).StatusCode;
    }

    private sealed class OwnServerCluster : Infrastructure.Cluster
    {
        protected override int SiloCount => 2;

        protected override Task<ClusterDatabase> CreateDatabaseAsync() => ClusterDatabase.StartOwnServerAsync();
    }
}
