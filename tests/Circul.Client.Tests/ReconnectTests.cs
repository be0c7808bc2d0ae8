using System.Collections.Concurrent;
using Circul.Client.Tests.Infrastructure;

namespace Circul.Client.Tests;

/// <summary>
/// The gateway done right: a cut connection resumes with every missed event replayed once; a server restart (4004)
/// starts a new session and the missed messages arrive through the catch-up, once; a revoked token (4001) stops it.
/// The bot reaches the silo through a TCP forwarder, so the test can cut its connection without the server closing
/// it, or point it at a restarted silo.
/// </summary>
public sealed class ReconnectTests(SqliteSiloFixture fixture) : IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task CutConnection_ResumesTheSession_AndEveryMessageReachesTheHandlersOnce()
    {
        fixture.ThrowIfUnavailable();
        var siloPort = new Uri(fixture.BaseUrl).Port;
        await using var forwarder = new TcpForwarder(TcpForwarder.FreePort(), "127.0.0.1", siloPort);
        await using var world = await BotWorld.CreateAsync(fixture, serverUrl: $"http://127.0.0.1:{forwarder.Port}");
        var counts = CountMessages(world.Bot, out var messages);
        var resumed = new EventRecorder<ResumedEventArgs>();
        var disconnected = new EventRecorder<DisconnectedEventArgs>(d => $"{d.CloseCode} {d.Reason}");
        var restarted = new EventRecorder<SessionRestartedEventArgs>();
        world.Bot.Resumed += resumed.Handler;
        world.Bot.Disconnected += disconnected.Handler;
        world.Bot.SessionRestarted += restarted.Handler;
        await world.Bot.StartAsync();
        var session = world.Bot.SessionId;
        var before = await world.OwnerSaysAsync("before the cut");
        await messages.WaitForAsync(m => m.Message.Id == before.Str("id"), "the message before the cut");

        forwarder.DropConnections();
        var during = new[] { await world.OwnerSaysAsync("during the cut 1"), await world.OwnerSaysAsync("during the cut 2") };

        await resumed.WaitForAsync(_ => true, "resumed");
        var after = await world.OwnerSaysAsync("after the resume");
        foreach (var message in during.Append(after))
        {
            await messages.WaitForAsync(m => m.Message.Id == message.Str("id"), $"message '{message.Str("text")}'");
        }

        Assert.Equal(session, world.Bot.SessionId);
        Assert.Empty(restarted.Items);
        var cut = await disconnected.WaitForAsync(_ => true, "the disconnect");
        Assert.True(cut.WillReconnect);
        Assert.All(counts, c => Assert.Equal(1, c.Value));
        Assert.Equal(4, counts.Count);
    }

    [Fact]
    public async Task StalledConnection_IsDetectedByTheHeartbeat_AndResumed()
    {
        fixture.ThrowIfUnavailable();
        await using var forwarder = new TcpForwarder(TcpForwarder.FreePort(), "127.0.0.1", new Uri(fixture.BaseUrl).Port);
        var options = BotWorld.FastOptions();
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(300);
        await using var world = await BotWorld.CreateAsync(fixture, options, $"http://127.0.0.1:{forwarder.Port}");
        var counts = CountMessages(world.Bot, out var messages);
        var resumed = new EventRecorder<ResumedEventArgs>();
        var disconnected = new EventRecorder<DisconnectedEventArgs>(d => $"{d.CloseCode} {d.Reason}");
        world.Bot.Resumed += resumed.Handler;
        world.Bot.Disconnected += disconnected.Handler;
        await world.Bot.StartAsync();
        var session = world.Bot.SessionId;

        forwarder.StallConnections();
        var during = await world.OwnerSaysAsync("while the path was dead");

        var replay = await resumed.WaitForAsync(_ => true, "resumed after the heartbeat noticed the dead connection");
        Assert.True(replay.ReplayedEvents >= 1, $"the replay should hold the missed message, had {replay.ReplayedEvents} events");
        await messages.WaitForAsync(m => m.Message.Id == during.Str("id"), "the message sent while the path was dead");
        Assert.Equal(session, world.Bot.SessionId);
        var drop = await disconnected.WaitForAsync(_ => true, "the dropped connection");
        Assert.Null(drop.CloseCode);
        Assert.Equal(1, Assert.Single(counts).Value);
    }

    [Fact]
    public async Task ALongRunningHandler_InEventOrderMode_DoesNotMakeTheHeartbeatDropAHealthyConnection()
    {
        var options = BotWorld.FastOptions();
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(150);
        options.RunHandlersConcurrently = false;
        await using var world = await BotWorld.CreateAsync(fixture, options);
        var disconnected = new EventRecorder<DisconnectedEventArgs>(d => $"{d.CloseCode} {d.Reason}");
        var done = new EventRecorder<string>();
        world.Bot.Disconnected += disconnected.Handler;
        world.Bot.MessageReceived += async (ctx, ct) =>
        {
            if (ctx.Text == "slow")
            {
                // Work that outlasts several heartbeat intervals while nothing reads the socket.
                await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
            }

            done.Add(ctx.Text);
        };
        await world.Bot.StartAsync();

        await world.OwnerSaysAsync("slow");
        await world.OwnerSaysAsync("after");

        await done.WaitForAsync(t => t == "after", "the message after the slow one");
        Assert.Equal(["slow", "after"], done.Items);
        Assert.Empty(disconnected.Items);
        Assert.Equal(1, world.Bot.GatewayConnectAttempts);
    }

    [Fact]
    public async Task SiloRestart_Closes4004_AndTheNewSessionCatchesUpOnMissedMessagesOnce()
    {
        fixture.ThrowIfUnavailable();
        await using var storage = await new SqliteStorageProvisioner().CreateAsync();
        var settings = SiloFixture.Merge(SiloFixture.BaseSettings(), storage.Settings);
        await using var first = await RunningSilo.StartAsync(settings);
        await using var forwarder = new TcpForwarder(TcpForwarder.FreePort(), "127.0.0.1", new Uri(first.BaseUrl).Port);
        var register = await new BotClient(first, null, null).PostAsync("/api/auth/register", new { username = SiloFixture.RandomName("h"), password = SiloFixture.Password });
        var ownerToken = register.Expect(HttpStatusCode.Created).Json.Str("token");
        var owner = new BotClient(first, ownerToken, "Bearer");
        var app = (await owner.PostAsync("/api/apps", new { name = SiloFixture.RandomName("b") })).Expect(HttpStatusCode.Created).Json;
        var botToken = app.Str("token");
        var botId = app.Prop("app").Str("id");
        var panelId = (await owner.PostAsync("/api/panels", new { name = "Restarts" })).Expect(HttpStatusCode.Created).Json.Str("id");
        (await owner.PostAsync($"/api/panels/{panelId}/bots", new { bot_id = botId })).Expect(HttpStatusCode.Created);
        var generalId = (await owner.GetAsync($"/api/panels/{panelId}/channels")).Expect(HttpStatusCode.OK).Json.Items().Single().Str("id");

        await using var bot = new CirculBot($"http://127.0.0.1:{forwarder.Port}", botToken, BotWorld.FastOptions());
        var counts = CountMessages(bot, out var messages);
        var disconnected = new EventRecorder<DisconnectedEventArgs>(d => $"{d.CloseCode} {d.Reason}");
        var restarted = new EventRecorder<SessionRestartedEventArgs>();
        var ready = new EventRecorder<ReadyEventArgs>();
        bot.Disconnected += disconnected.Handler;
        bot.SessionRestarted += restarted.Handler;
        bot.Ready += ready.Handler;
        await bot.StartAsync();
        var oldSession = bot.SessionId;
        var seen = await SayAsync(owner, panelId, generalId, "before the restart");
        await messages.WaitForAsync(m => m.Message.Id == seen, "the message before the restart");

        await first.StopAsync();
        var shutdown = await disconnected.WaitForAsync(d => d.CloseCode is not null, "the shutdown close");
        Assert.Equal(4004, shutdown.CloseCode);
        Assert.True(shutdown.WillReconnect);

        await using var second = await RunningSilo.StartAsync(settings);
        owner = new BotClient(second, ownerToken, "Bearer");
        var missed = new[]
        {
            await SayAsync(owner, panelId, generalId, "while the bot was away 1"),
            await SayAsync(owner, panelId, generalId, "while the bot was away 2"),
        };
        forwarder.Retarget(new Uri(second.BaseUrl).Port);

        var restart = await restarted.WaitForAsync(_ => true, "the session restart", TimeSpan.FromSeconds(30));
        Assert.Equal(oldSession, restart.PreviousSessionId);
        Assert.NotEqual(oldSession, restart.SessionId);
        Assert.Equal(seen, restart.LastSeenMessageId);
        Assert.Equal(2, restart.CaughtUpMessages);
        Assert.True((await ready.WaitForAsync(r => r.IsReconnect, "the second ready")).IsReconnect);
        foreach (var id in missed)
        {
            Assert.True((await messages.WaitForAsync(m => m.Message.Id == id, "a missed message")).IsCatchUp);
        }

        var live = await SayAsync(owner, panelId, generalId, "after the restart");
        Assert.False((await messages.WaitForAsync(m => m.Message.Id == live, "the live message after the restart")).IsCatchUp);
        Assert.All(counts, c => Assert.Equal(1, c.Value));
        Assert.Equal(4, counts.Count);
        Assert.Equal(panelId, Assert.Single(bot.Panels).Id);
    }

    [Fact]
    public async Task TokenReset_Closes4001_AndTheBotStopsReconnecting()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        var disconnected = new EventRecorder<DisconnectedEventArgs>(d => $"{d.CloseCode} {d.Reason}");
        world.Bot.Disconnected += disconnected.Handler;
        await world.Bot.StartAsync();
        var running = world.Bot.RunAsync();

        (await world.Owner.PostAsync($"/api/apps/{world.BotAccount.App.Str("id")}/token/reset")).Expect(HttpStatusCode.OK);

        var error = await Assert.ThrowsAsync<CirculGatewayException>(() => running.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(4001, error.CloseCode);
        var close = await disconnected.WaitForAsync(_ => true, "the 4001 close");
        Assert.Equal(4001, close.CloseCode);
        Assert.False(close.WillReconnect);
        Assert.Equal(1, world.Bot.GatewayConnectAttempts);
    }

    [Fact]
    public async Task RefusedToken_StopsStartWithoutRetrying()
    {
        fixture.ThrowIfUnavailable();
        await using var bot = new CirculBot(fixture.BaseUrl, "cb_not-a-real-token", BotWorld.FastOptions());

        var error = await Assert.ThrowsAsync<CirculGatewayException>(() => bot.StartAsync().WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Null(error.CloseCode);
        Assert.Equal(1, bot.GatewayConnectAttempts);
    }

    /// <summary>Counts handler invocations per message id (every message of every room reaches MessageReceived).</summary>
    private static ConcurrentDictionary<string, int> CountMessages(CirculBot bot, out EventRecorder<MessageContext> recorder)
    {
        var counts = new ConcurrentDictionary<string, int>();
        var messages = new EventRecorder<MessageContext>(m => m.Text);
        bot.MessageReceived += (ctx, ct) =>
        {
            counts.AddOrUpdate(ctx.Message.Id, 1, (_, n) => n + 1);
            return messages.Handler(ctx, ct);
        };
        recorder = messages;
        return counts;
    }

    private static async Task<string> SayAsync(BotClient sender, string panelId, string channelId, string text) =>
        (await sender.PostAsync($"/api/panels/{panelId}/channels/{channelId}/messages", new { text })).Expect(HttpStatusCode.Created).Json.Str("id");
}
