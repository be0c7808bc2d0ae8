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
        await using var w = await RestartWorld.CreateAsync();
        await using var bot = new CirculBot(w.BotUrl, w.BotToken, BotWorld.FastOptions());
        var counts = CountMessages(bot, out var messages);
        var disconnected = new EventRecorder<DisconnectedEventArgs>(d => $"{d.CloseCode} {d.Reason}");
        var restarted = new EventRecorder<SessionRestartedEventArgs>();
        var ready = new EventRecorder<ReadyEventArgs>();
        bot.Disconnected += disconnected.Handler;
        bot.SessionRestarted += restarted.Handler;
        bot.Ready += ready.Handler;
        await bot.StartAsync();
        var oldSession = bot.SessionId;
        var seen = await w.SayAsync("before the restart");
        await messages.WaitForAsync(m => m.Message.Id == seen, "the message before the restart");

        var shutdown = await w.RestartAsync(disconnected);
        Assert.Equal(4004, shutdown.CloseCode);
        Assert.True(shutdown.WillReconnect);
        var missed = new[] { await w.SayAsync("while the bot was away 1"), await w.SayAsync("while the bot was away 2") };
        w.Reconnect();

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

        var live = await w.SayAsync("after the restart");
        Assert.False((await messages.WaitForAsync(m => m.Message.Id == live, "the live message after the restart")).IsCatchUp);
        Assert.All(counts, c => Assert.Equal(1, c.Value));
        Assert.Equal(4, counts.Count);
        Assert.Equal(w.PanelId, Assert.Single(bot.Panels).Id);
    }

    [Fact]
    public async Task SiloRestart_BeforeTheBotSawAnyMessage_StillCatchesUp_ButNeverOnOlderMessages()
    {
        fixture.ThrowIfUnavailable();
        await using var w = await RestartWorld.CreateAsync();
        var older = await w.SayAsync("!info before the bot started");
        await using var bot = new CirculBot(w.BotUrl, w.BotToken, BotWorld.FastOptions());
        var counts = CountMessages(bot, out var messages);
        var disconnected = new EventRecorder<DisconnectedEventArgs>(d => $"{d.CloseCode} {d.Reason}");
        var restarted = new EventRecorder<SessionRestartedEventArgs>();
        bot.Disconnected += disconnected.Handler;
        bot.SessionRestarted += restarted.Handler;
        await bot.StartAsync();

        Assert.Equal(4004, (await w.RestartAsync(disconnected)).CloseCode);
        // Such a bot's catch-up takes what was posted from two seconds after its first session began (the server's
        // Date header has whole seconds and is refreshed once a second): the missed message must come later than that.
        await w.WaitForServerClockAsync(bot.StartedAt!.Value + TimeSpan.FromSeconds(2));
        var missed = await w.SayAsync("while the bot was away");
        w.Reconnect();

        var restart = await restarted.WaitForAsync(_ => true, "the session restart", TimeSpan.FromSeconds(30));
        Assert.Null(restart.LastSeenMessageId);
        Assert.Equal(1, restart.CaughtUpMessages);
        Assert.True((await messages.WaitForAsync(m => m.Message.Id == missed, "the missed message")).IsCatchUp);
        Assert.DoesNotContain(older, counts.Keys);
        Assert.Equal(1, Assert.Single(counts).Value);
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

    /// <summary>A silo of its own on a throwaway SQLite database, reached by the bot through a forwarder, with an owner,
    /// a panel and a bot in it; <see cref="RestartAsync"/> stops it and starts a second silo on the same database.</summary>
    private sealed class RestartWorld : IAsyncDisposable
    {
        private readonly ProvisionedStorage _storage;
        private readonly Dictionary<string, string?> _settings;
        private readonly TcpForwarder _forwarder;
        private RunningSilo _silo;
        private RunningSilo? _second;
        private BotClient _owner;

        private RestartWorld(
            ProvisionedStorage storage, Dictionary<string, string?> settings, RunningSilo silo, TcpForwarder forwarder,
            BotClient owner, string botToken, string panelId, string generalId)
        {
            (_storage, _settings, _silo, _forwarder, _owner) = (storage, settings, silo, forwarder, owner);
            (BotToken, PanelId, GeneralId) = (botToken, panelId, generalId);
        }

        public string BotUrl => $"http://127.0.0.1:{_forwarder.Port}";

        public string BotToken { get; }

        public string PanelId { get; }

        public string GeneralId { get; }

        public static async Task<RestartWorld> CreateAsync()
        {
            var storage = await new SqliteStorageProvisioner().CreateAsync();
            var settings = SiloFixture.Merge(SiloFixture.BaseSettings(), storage.Settings);
            var silo = await RunningSilo.StartAsync(settings);
            var forwarder = new TcpForwarder(TcpForwarder.FreePort(), "127.0.0.1", new Uri(silo.BaseUrl).Port);
            var register = await new BotClient(silo, null, null).PostAsync("/api/auth/register", new { username = SiloFixture.RandomName("h"), password = SiloFixture.Password });
            var owner = new BotClient(silo, register.Expect(HttpStatusCode.Created).Json.Str("token"), "Bearer");
            var app = (await owner.PostAsync("/api/apps", new { name = SiloFixture.RandomName("b") })).Expect(HttpStatusCode.Created).Json;
            var panelId = (await owner.PostAsync("/api/panels", new { name = "Restarts" })).Expect(HttpStatusCode.Created).Json.Str("id");
            (await owner.PostAsync($"/api/panels/{panelId}/bots", new { bot_id = app.Prop("app").Str("id") })).Expect(HttpStatusCode.Created);
            var generalId = (await owner.GetAsync($"/api/panels/{panelId}/channels")).Expect(HttpStatusCode.OK).Json.Items().Single().Str("id");
            return new RestartWorld(storage, settings, silo, forwarder, owner, app.Str("token"), panelId, generalId);
        }

        /// <summary>The owner posts in <c>general</c>; returns the message id.</summary>
        public async Task<string> SayAsync(string text) =>
            (await _owner.PostAsync($"/api/panels/{PanelId}/channels/{GeneralId}/messages", new { text })).Expect(HttpStatusCode.Created).Json.Str("id");

        /// <summary>Stops the silo (the bot's socket closes), returns that close, and starts the second silo, which
        /// the bot cannot reach until <see cref="Reconnect"/>.</summary>
        public async Task<DisconnectedEventArgs> RestartAsync(EventRecorder<DisconnectedEventArgs> disconnected)
        {
            await _silo.StopAsync();
            var shutdown = await disconnected.WaitForAsync(d => d.CloseCode is not null, "the shutdown close");
            _second = await RunningSilo.StartAsync(_settings);
            _owner = new BotClient(_second, _owner.Token, "Bearer");
            return shutdown;
        }

        /// <summary>Returns once the server's clock (its <c>Date</c> header) has reached <paramref name="time"/>.</summary>
        public async Task WaitForServerClockAsync(DateTimeOffset time)
        {
            var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
            while ((await _owner.GetAsync("/api/me")).Headers.Date is not { } now || now < time)
            {
                Assert.True(DateTimeOffset.UtcNow < deadline, $"the server's clock did not reach {time:O}");
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }

        public void Reconnect() => _forwarder.Retarget(new Uri(_second!.BaseUrl).Port);

        public async ValueTask DisposeAsync()
        {
            if (_second is not null)
            {
                await _second.DisposeAsync();
            }

            await _forwarder.DisposeAsync();
            await _silo.DisposeAsync();
            await _storage.DisposeAsync();
        }
    }
}
