using System.Net;
using Circul.Cluster.Tests.Infrastructure;
using Circul.Silo.Tests.Infrastructure;

namespace Circul.Cluster.Tests;

/// <summary>Three silo processes on one PostgreSQL behave as one Circul: events cross silos in order, permission changes
/// made through one silo filter delivery on another, account actions reach sockets everywhere, and a silo added under
/// traffic serves its sockets.</summary>
public sealed class ThreeSiloTests(ThreeSiloTests.Fixture cluster) : IClassFixture<ThreeSiloTests.Fixture>
{
    [Fact]
    public async Task BotsOnDifferentSilos_SeeEachOthersEventsInOrder_InADmAGroupAndAPanelChannel()
    {
        var owner = await cluster.NewHumanAsync(0);
        var b0 = await cluster.NewBotAsync(owner, 0);
        var b1 = await cluster.NewBotAsync(owner, 1);
        var b2 = await cluster.NewBotAsync(owner, 2);
        var group = (await owner.PostAsync("/api/groups", new { name = "trio", member_ids = new[] { b0.Id, b1.Id, b2.Id } }))
            .Expect(HttpStatusCode.Created).Json.Str("id");
        var dm = (await b0.PostAsync("/api/conversations", new { peer_id = b1.Id })).Expect(HttpStatusCode.OK).Json.Str("id");
        var panel = (await owner.PostAsync("/api/panels", new { name = "cluster" })).Expect(HttpStatusCode.Created).Json;
        var panelId = panel.Str("id");
        var channel = panel.Items("categories")[0].Items("channel_ids")[0].GetString()!;
        foreach (var bot in new[] { b1, b2 })
        {
            (await owner.PostAsync($"/api/panels/{panelId}/bots", new { bot_id = bot.Id })).Expect(HttpStatusCode.Created);
        }

        await using var socket1 = await b1.ConnectReadyAsync();
        await using var socket2 = await b2.ConnectReadyAsync();

        var dmSent = await SendManyAsync(b0, $"/api/conversations/{dm}/messages", "dm");
        var groupSent = await SendManyAsync(b2, $"/api/groups/{group}/messages", "group");
        var channelSent = await SendManyAsync(b1, $"/api/panels/{panelId}/channels/{channel}/messages", "panel");

        Assert.Equal(dmSent, await ReceiveAsync(socket1, "message_new", dm, dmSent.Count));
        Assert.Equal(groupSent, await ReceiveAsync(socket1, "message_new", group, groupSent.Count));
        Assert.Equal(channelSent, await ReceiveAsync(socket2, "panel_message", channel, channelSent.Count));
    }

    [Fact]
    public async Task AnOverrideChangedThroughSiloA_StopsDeliveryThroughSiloB_OnTheNextMessage()
    {
        var owner = await cluster.NewHumanAsync(0);
        var bot = await cluster.NewBotAsync(owner, 1);
        var panel = (await owner.PostAsync("/api/panels", new { name = "gated" })).Expect(HttpStatusCode.Created).Json;
        var panelId = panel.Str("id");
        var general = panel.Items("categories")[0].Items("channel_ids")[0].GetString()!;
        (await owner.PostAsync($"/api/panels/{panelId}/bots", new { bot_id = bot.Id })).Expect(HttpStatusCode.Created);
        var secret = (await owner.PostAsync($"/api/panels/{panelId}/channels", new { name = "secret" })).Expect(HttpStatusCode.Created).Json.Str("id");
        await using var socket = await bot.ConnectReadyAsync();
        var sender = owner.At(cluster.Silos[2].BaseUrl);

        var before = await SendAsync(sender, $"/api/panels/{panelId}/channels/{secret}/messages", "visible");
        await socket.NextEventAsync("panel_message", e => MessageId(e) == before, what: "the message before the override");

        (await owner.PutAsync($"/api/panels/{panelId}/channels/{secret}/overrides/everyone", new { allow = Array.Empty<string>(), deny = new[] { "view_channel" } }))
            .Expect(HttpStatusCode.OK);
        var hidden = await SendAsync(sender, $"/api/panels/{panelId}/channels/{secret}/messages", "hidden");
        var marker = await SendAsync(sender, $"/api/panels/{panelId}/channels/{general}/messages", "marker");

        await socket.AssertNoneBeforeAsync(
            e => e.Type == "panel_message" && MessageId(e) == hidden, "panel_message", e => MessageId(e) == marker,
            "the message of a channel the bot can no longer view");
    }

    [Fact]
    public async Task ATokenResetThroughSiloA_ClosesTheSocketOnSiloB_With4001()
    {
        var owner = await cluster.NewHumanAsync(0);
        var bot = await cluster.NewBotAsync(owner, 1);
        await using var socket = await bot.ConnectReadyAsync();

        (await owner.PostAsync($"/api/apps/{bot.Id}/token/reset")).Expect(HttpStatusCode.OK);

        await socket.ExpectCloseAsync(4001);
    }

    [Fact]
    public async Task ASiloAddedWhileTrafficRuns_ReceivesItsSocketsEvents()
    {
        var owner = await cluster.NewHumanAsync(0);
        var sender = await cluster.NewBotAsync(owner, 0);
        var dm = (await owner.PostAsync("/api/conversations", new { peer_id = sender.Id })).Expect(HttpStatusCode.OK).Json.Str("id");
        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                await sender.PostAsync($"/api/conversations/{dm}/messages", new { text = $"t{i++}" });
                await Task.Delay(20);
            }
        });

        var added = await cluster.AddSiloAsync();
        await using var socket = await owner.At(added.BaseUrl).ConnectReadyAsync();
        var next = await socket.NextEventAsync("message_new", e => e.Payload.Str("conv_id") == dm, what: "a message of the running traffic on the new silo");
        await stop.CancelAsync();
        await traffic;

        Assert.StartsWith("t", next.Payload.Prop("message").Str("text"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSocketCapPerToken_HoldsAcrossSilos()
    {
        var owner = await cluster.NewHumanAsync(0);
        var bot = await cluster.NewBotAsync(owner, 0);
        var sockets = new List<GatewayClient>();
        try
        {
            // 16 (the default cap) spread over the three silos: no silo alone is near the cap.
            for (var i = 0; i < 16; i++)
            {
                sockets.Add(await bot.At(cluster.Silos[i % 3].BaseUrl).ConnectReadyAsync());
            }

            var refused = await Assert.ThrowsAsync<GatewayConnectException>(() => bot.At(cluster.Silos[2].BaseUrl).ConnectAsync());
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);

            // A socket closed on one silo frees a place on another.
            await sockets[0].CloseAsync();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (true)
            {
                try
                {
                    sockets.Add(await bot.At(cluster.Silos[2].BaseUrl).ConnectReadyAsync());
                    break;
                }
                catch (GatewayConnectException e) when (e.Status == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    private static string MessageId(GatewayEvent e) => e.Payload.Prop("message").Str("id");

    private static async Task<string> SendAsync(Client client, string path, string text) =>
        (await client.PostAsync(path, new { text })).Expect(HttpStatusCode.Created).Json.Str("id");

    private static async Task<List<string>> SendManyAsync(Client client, string path, string label)
    {
        var ids = new List<string>();
        for (var i = 0; i < 15; i++)
        {
            ids.Add(await SendAsync(client, path, $"{label}-{i}"));
        }

        return ids;
    }

    private static async Task<List<string>> ReceiveAsync(GatewayClient socket, string type, string roomId, int count)
    {
        var roomKey = type == "panel_message" ? "channel_id" : "conv_id";
        var ids = new List<string>();
        while (ids.Count < count)
        {
            var e = await socket.NextEventAsync(type, e => e.Payload.Str(roomKey) == roomId, what: $"{type} {ids.Count + 1} of {count} in {roomId}");
            ids.Add(MessageId(e));
        }

        return ids;
    }

    public sealed class Fixture : Infrastructure.Cluster;
}
