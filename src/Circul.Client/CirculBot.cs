using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Circul.Client;

/// <summary>
/// A Circul bot: a gateway connection that resumes after breaks, typed event handlers, commands, and a cache of the
/// bot's panels and channels (loaded on ready, kept current from gateway events). REST calls go through
/// <see cref="Rest"/>.
/// </summary>
/// <example>
/// <code>
/// await using var bot = new CirculBot("http://127.0.0.1:5080", token);
/// bot.Mentioned += (ctx, ct) => ctx.ReplyAsync("You mentioned me!", mentionSender: true, ct);
/// bot.Command("info", (ctx, ct) => ctx.ReplyAsync($"{ctx.Panel?.Name} — {ctx.Panel?.MemberCount} members", cancellationToken: ct));
/// await bot.RunAsync();
/// </code>
/// </example>
public sealed class CirculBot : IAsyncDisposable
{
    private readonly CirculBotOptions _options;
    private readonly GatewayClient _gateway;
    private readonly ILogger _logger;
    private readonly BotCache _cache = new();
    private readonly RecentKeys _dispatched = new(10_000);
    private readonly ConcurrentDictionary<string, CommandInfo> _commands = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly ConcurrentDictionary<string, string> _roomCursors = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _firstReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _cursorLock = new();
    private string? _lastSeenMessageId;
    private DateTimeOffset? _startedAt;
    private CirculUser? _me;
    private Task? _run;
    private int _sessions;
    private int _disposed;

    /// <summary>Creates a bot for <paramref name="server"/> (e.g. <c>http://127.0.0.1:5080</c>).</summary>
    /// <param name="server">The server's base address.</param>
    /// <param name="token">The bot token (<c>cb_…</c>); a human session token works too.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public CirculBot(string server, string token, CirculBotOptions? options = null)
        : this(new Uri(server), token, options)
    {
    }

    /// <summary>Creates a bot for <paramref name="server"/>.</summary>
    /// <param name="server">The server's base address.</param>
    /// <param name="token">The bot token (<c>cb_…</c>); a human session token works too.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public CirculBot(Uri server, string token, CirculBotOptions? options = null)
    {
        _options = options ?? new CirculBotOptions();
        _logger = _options.LoggerFactory?.CreateLogger<CirculBot>() ?? (ILogger)NullLogger.Instance;
        Rest = new CirculRestClient(server, token, _options.Rest, _options.HttpClient, _options.LoggerFactory?.CreateLogger<CirculRestClient>());
        _gateway = new GatewayClient(Rest.Server, token, _options, _logger);
    }

    // ------------------------------------------------------------------ events

    /// <summary>A new session is open and the cache is loaded (first connect, and after a reconnect that could not
    /// resume).</summary>
    public event CirculEventHandler<ReadyEventArgs>? Ready;

    /// <summary>A reconnect resumed the session without missing anything.</summary>
    public event CirculEventHandler<ResumedEventArgs>? Resumed;

    /// <summary>The catch-up hook: a reconnect could not resume and a new session started (after
    /// <see cref="Ready"/> and after the missed messages were handed to the handlers).</summary>
    public event CirculEventHandler<SessionRestartedEventArgs>? SessionRestarted;

    /// <summary>The gateway connection ended (see <see cref="DisconnectedEventArgs.WillReconnect"/>).</summary>
    public event CirculEventHandler<DisconnectedEventArgs>? Disconnected;

    /// <summary>Every message (DMs, groups and panel channels), except those of bots by default
    /// (<see cref="CirculBotOptions.IgnoreBotMessages"/>).</summary>
    public event CirculEventHandler<MessageContext>? MessageReceived;

    /// <summary>Messages in panel channels (<c>panel_message</c>).</summary>
    public event CirculEventHandler<MessageContext>? PanelMessageReceived;

    /// <summary>Messages in DMs and groups (<c>message_new</c>).</summary>
    public event CirculEventHandler<MessageContext>? ConversationMessageReceived;

    /// <summary>Messages that mention this bot, anywhere (<c>mention</c>).</summary>
    public event CirculEventHandler<MessageContext>? Mentioned;

    /// <summary>Messages that mention this bot in panel channels.</summary>
    public event CirculEventHandler<MessageContext>? PanelMentioned;

    /// <summary><c>message_edited</c>.</summary>
    public event CirculEventHandler<MessageEditedEventArgs>? MessageEdited;

    /// <summary><c>message_deleted</c>.</summary>
    public event CirculEventHandler<MessageDeletedEventArgs>? MessageDeleted;

    /// <summary><c>reaction_added</c>.</summary>
    public event CirculEventHandler<ReactionEventArgs>? ReactionAdded;

    /// <summary><c>reaction_removed</c>.</summary>
    public event CirculEventHandler<ReactionEventArgs>? ReactionRemoved;

    /// <summary><c>status_change</c>.</summary>
    public event CirculEventHandler<StatusChangedEventArgs>? StatusChanged;

    /// <summary><c>user_updated</c> (name, bio, mood, avatar or banner changed).</summary>
    public event CirculEventHandler<CirculUser>? UserUpdated;

    /// <summary><c>avatar_updated</c>.</summary>
    public event CirculEventHandler<AvatarUpdatedEventArgs>? AvatarUpdated;

    /// <summary><c>panel_member_joined</c> (the cache already counts the new member; for the bot itself, the panel and
    /// its channels are already cached).</summary>
    public event CirculEventHandler<MemberEventContext>? MemberJoined;

    /// <summary><c>panel_member_left</c> (kicks, leaves and bans; the cache is already updated).</summary>
    public event CirculEventHandler<MemberEventContext>? MemberLeft;

    /// <summary><c>panel_banned</c>: this bot was banned from a panel.</summary>
    public event CirculEventHandler<PanelBannedEventArgs>? PanelBanned;

    /// <summary><c>panel_updated</c>: the new panel (already cached).</summary>
    public event CirculEventHandler<Panel>? PanelUpdated;

    /// <summary><c>panel_deleted</c>.</summary>
    public event CirculEventHandler<PanelDeletedEventArgs>? PanelDeleted;

    /// <summary><c>panel_channel_created</c> (already cached).</summary>
    public event CirculEventHandler<PanelChannel>? ChannelCreated;

    /// <summary><c>panel_channel_updated</c> (already cached).</summary>
    public event CirculEventHandler<PanelChannel>? ChannelUpdated;

    /// <summary><c>panel_channel_deleted</c> (already removed from the cache).</summary>
    public event CirculEventHandler<ChannelDeletedEventArgs>? ChannelDeleted;

    /// <summary>Every gateway event as received, before the typed handlers (for types this SDK does not know).</summary>
    public event CirculEventHandler<GatewayEvent>? RawEventReceived;

    /// <summary>A handler threw. The bot logs it and carries on.</summary>
    public event Action<HandlerFailedEventArgs>? HandlerFailed;

    // ------------------------------------------------------------------ state

    /// <summary>The REST client of this bot's token.</summary>
    public CirculRestClient Rest { get; }

    /// <summary>The bot's own user, once ready.</summary>
    public CirculUser? CurrentUser => Volatile.Read(ref _me);

    /// <summary>The current gateway session, or null.</summary>
    public string? SessionId => _gateway.SessionId;

    /// <summary>The cached panels the bot is a member of.</summary>
    public IReadOnlyCollection<Panel> Panels => _cache.Panels;

    /// <summary>The registered commands.</summary>
    public IReadOnlyCollection<CommandInfo> Commands => _commands.Values.ToList();

    /// <summary>The server's clock just after the first session began (the catch-up's starting point while the bot has
    /// seen no message), or null.</summary>
    internal DateTimeOffset? StartedAt => _startedAt;

    /// <summary>Whether the gateway loop is still running (connected, or waiting to reconnect).</summary>
    internal bool IsRunning => _run is { IsCompleted: false };

    /// <summary>How many gateway connections were attempted so far.</summary>
    internal int GatewayConnectAttempts => _gateway.ConnectAttempts;

    /// <summary>A cached panel, or null.</summary>
    public Panel? GetPanel(string panelId) => _cache.GetPanel(panelId);

    /// <summary>A panel's cached channels (those the bot can view), ordered by position.</summary>
    public IReadOnlyList<PanelChannel> GetChannels(string panelId) => _cache.GetChannels(panelId);

    /// <summary>A cached channel, or null.</summary>
    public PanelChannel? GetChannel(string channelId) => _cache.GetChannel(channelId);

    /// <summary>A panel's cached channel with this name (case-insensitive), or null.</summary>
    public PanelChannel? FindChannel(string panelId, string name) =>
        _cache.GetChannels(panelId).FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    // ------------------------------------------------------------------ commands and actions

    /// <summary>Registers a command: a message <c>{prefix}{name} args…</c> runs <paramref name="handler"/>. Names are
    /// case-insensitive; registering a name again replaces its handler.</summary>
    /// <param name="name">The name without the prefix, no white space.</param>
    /// <param name="handler">The handler.</param>
    /// <param name="description">A one-line description.</param>
    /// <returns>This bot, for chaining.</returns>
    public CirculBot Command(string name, CirculEventHandler<CommandContext> handler, string description = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(handler);
        if (name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("a command name has no white space", nameof(name));
        }

        var key = name.ToLowerInvariant();
        _commands[key] = new CommandInfo { Name = key, Description = description, Handler = handler };
        return this;
    }

    /// <summary>Posts in a room: a DM or group id, or a cached panel channel's id.</summary>
    public Task<Message> SendAsync(string roomId, string text, SendMessageOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (roomId.StartsWith("ch-", StringComparison.Ordinal))
        {
            var channel = _cache.GetChannel(roomId) ?? throw new ArgumentException($"channel {roomId} is not in the cache", nameof(roomId));
            return Rest.SendChannelMessageAsync(channel.PanelId, channel.Id, text, options, cancellationToken);
        }

        return Rest.SendMessageAsync(roomId, text, options, cancellationToken);
    }

    /// <summary>Sets the bot's status (<c>online</c>, <c>away</c>, <c>busy</c>, <c>offline</c>) and optionally its mood,
    /// e.g. <c>SetStatusAsync("busy", "crunching numbers")</c> during a long task.</summary>
    public async Task<CirculUser> SetStatusAsync(string status, string? mood = null, CancellationToken cancellationToken = default)
    {
        var user = await Rest.UpdateBotStatusAsync(status, mood, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _me, user);
        return user;
    }

    // ------------------------------------------------------------------ lifecycle

    /// <summary>Connects and returns once the first session is ready and the cache is loaded; the connection then
    /// lives on (and reconnects) in the background until <see cref="StopAsync"/>. Cancelling
    /// <paramref name="cancellationToken"/> before then stops the bot and throws <see cref="OperationCanceledException"/>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.CompareExchange(ref _run, Task.CompletedTask, null) is not null)
        {
            throw new InvalidOperationException("the bot is already started");
        }

        _run = Task.Run(() => _gateway.RunAsync(OnFrameAsync, OnDisconnectedAsync, _stopping.Token), CancellationToken.None);
        Task first;
        try
        {
            first = await Task.WhenAny(_firstReady.Task, _run).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A start given up on leaves nothing running behind (no connection retried in the background).
            await StopAsync().ConfigureAwait(false);
            throw;
        }

        if (first == _run)
        {
            await _run.ConfigureAwait(false);
            throw new InvalidOperationException("the bot stopped before its first session was ready");
        }
    }

    /// <summary>Starts (if needed) and runs until <paramref name="cancellationToken"/> is cancelled or
    /// <see cref="StopAsync"/> is called. Throws <see cref="CirculGatewayException"/> when the token is revoked or
    /// refused, and <see cref="OperationCanceledException"/> when cancelled before the first session was ready (the
    /// bot is stopped then too).</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (_run is null)
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
        }

        using var registration = cancellationToken.Register(() => _stopping.Cancel());
        await _run!.ConfigureAwait(false);
    }

    /// <summary>Closes the connection (with 1000), and waits for running handlers (at most 10 s).</summary>
    public async Task StopAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        if (_run is { } run)
        {
            try
            {
                await run.ConfigureAwait(false);
            }
            catch (CirculGatewayException)
            {
                // Already reported by RunAsync/Disconnected; stopping is what was asked.
            }
        }

        await Task.WhenAll(_running.Keys).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        Rest.Dispose();
        _stopping.Dispose();
    }

    // ------------------------------------------------------------------ gateway frames

    /// <summary>One event: a payload this SDK cannot read (a newer server, a field of another type) is reported through
    /// <see cref="HandlerFailed"/> and skipped; it never ends the connection or the bot.</summary>
    private async Task OnFrameAsync(GatewayEvent frame)
    {
        try
        {
            await DispatchFrameAsync(frame).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.EventFailed(e, frame.Type);
            HandlerFailed?.Invoke(new HandlerFailedEventArgs { EventType = frame.Type, Exception = e });
        }
    }

    private async Task DispatchFrameAsync(GatewayEvent frame)
    {
        await FireAsync(RawEventReceived, frame, frame.Type).ConfigureAwait(false);
        var p = frame.Payload;
        switch (frame.Type)
        {
            case "ready":
                await OnReadyAsync(p).ConfigureAwait(false);
                break;
            case "resumed":
                _logger.Resumed(_gateway.SessionId, _gateway.EventsSinceConnect);
                await FireAsync(Resumed, new ResumedEventArgs { SessionId = _gateway.SessionId ?? "", ReplayedEvents = _gateway.EventsSinceConnect }, frame.Type)
                    .ConfigureAwait(false);
                break;
            case "message_new":
            case "panel_message":
                await OnMessageAsync(Read<Message>(p, "message"), isCatchUp: false).ConfigureAwait(false);
                break;
            case "mention":
                await OnMentionAsync(Read<Message>(p, "message"), isCatchUp: false).ConfigureAwait(false);
                break;
            case "message_edited":
                var edited = p.GetProperty("message");
                await FireAsync(MessageEdited, new MessageEditedEventArgs
                {
                    ConvId = Str(p, "conv_id") ?? "", PanelId = Str(p, "panel_id"), ChannelId = Str(p, "channel_id"),
                    MessageId = Str(edited, "id") ?? "", Text = Str(edited, "text") ?? "",
                    EditedAt = edited.TryGetProperty("edited_at", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : null,
                }, frame.Type).ConfigureAwait(false);
                break;
            case "message_deleted":
                await FireAsync(MessageDeleted, Read<MessageDeletedEventArgs>(p), frame.Type).ConfigureAwait(false);
                break;
            case "reaction_added":
                await FireAsync(ReactionAdded, Read<ReactionEventArgs>(p), frame.Type).ConfigureAwait(false);
                break;
            case "reaction_removed":
                await FireAsync(ReactionRemoved, Read<ReactionEventArgs>(p), frame.Type).ConfigureAwait(false);
                break;
            case "status_change":
                var status = Read<StatusChangedEventArgs>(p);
                if (CurrentUser is { } me && me.Id == status.UserId)
                {
                    Volatile.Write(ref _me, me with { Status = status.Status });
                }

                await FireAsync(StatusChanged, status, frame.Type).ConfigureAwait(false);
                break;
            case "user_updated":
                var user = Read<CirculUser>(p);
                if (CurrentUser?.Id == user.Id)
                {
                    Volatile.Write(ref _me, user);
                }

                await FireAsync(UserUpdated, user, frame.Type).ConfigureAwait(false);
                break;
            case "avatar_updated":
                await FireAsync(AvatarUpdated, Read<AvatarUpdatedEventArgs>(p), frame.Type).ConfigureAwait(false);
                break;
            case "panel_member_joined":
                await OnMemberJoinedAsync(Str(p, "panel_id") ?? "", Str(p, "user_id") ?? "").ConfigureAwait(false);
                break;
            case "panel_member_left":
                await OnMemberLeftAsync(Str(p, "panel_id") ?? "", Str(p, "user_id") ?? "").ConfigureAwait(false);
                break;
            case "panel_banned":
                var banned = Read<PanelBannedEventArgs>(p);
                _cache.RemovePanel(banned.PanelId);
                await FireAsync(PanelBanned, banned, frame.Type).ConfigureAwait(false);
                break;
            case "panel_updated":
                var panel = Read<Panel>(p);
                _cache.SetPanel(panel);
                await FireAsync(PanelUpdated, panel, frame.Type).ConfigureAwait(false);
                break;
            case "panel_deleted":
                var deletedPanelId = Str(p, "panel_id") ?? "";
                var removedPanel = _cache.RemovePanel(deletedPanelId);
                await FireAsync(PanelDeleted, new PanelDeletedEventArgs { PanelId = deletedPanelId, Panel = removedPanel }, frame.Type)
                    .ConfigureAwait(false);
                break;
            case "panel_channel_created":
            case "panel_channel_updated":
                var channel = Read<PanelChannel>(p);
                _cache.SetChannel(channel);
                await FireAsync(frame.Type == "panel_channel_created" ? ChannelCreated : ChannelUpdated, channel, frame.Type).ConfigureAwait(false);
                break;
            case "panel_channel_deleted":
                var channelId = Str(p, "channel_id") ?? "";
                var removedChannel = _cache.RemoveChannel(channelId);
                await FireAsync(ChannelDeleted, new ChannelDeletedEventArgs
                {
                    PanelId = Str(p, "panel_id") ?? "", ChannelId = channelId, Channel = removedChannel,
                }, frame.Type).ConfigureAwait(false);
                break;
        }
    }

    private async Task OnReadyAsync(JsonElement payload)
    {
        var me = Read<CirculUser>(payload, "user");
        Volatile.Write(ref _me, me);
        var sessionId = Str(payload, "session_id") ?? "";
        var lost = _gateway.LostSessionId;
        _gateway.LostSessionId = null;
        var isReconnect = Interlocked.Increment(ref _sessions) > 1;
        _logger.Ready(me.Name, me.Id, sessionId);
        await LoadCacheAsync().ConfigureAwait(false);
        // The server's clock just after the first session began: the catch-up's starting point while the bot has seen
        // no message yet.
        _startedAt ??= Rest.LastServerTime;
        await FireAsync(Ready, new ReadyEventArgs { User = me, SessionId = sessionId, IsReconnect = isReconnect }, "ready").ConfigureAwait(false);
        _firstReady.TrySetResult();
        if (lost is not null)
        {
            var lastSeen = LastSeenMessageId;
            var caughtUp = await CatchUpAsync().ConfigureAwait(false);
            await FireAsync(SessionRestarted, new SessionRestartedEventArgs
            {
                PreviousSessionId = lost, SessionId = sessionId, LastSeenMessageId = lastSeen, CaughtUpMessages = caughtUp,
            }, "session_restarted").ConfigureAwait(false);
        }
    }

    private async Task LoadCacheAsync()
    {
        try
        {
            var panels = await Rest.GetPanelsAsync(_stopping.Token).ConfigureAwait(false);
            var loaded = new List<(Panel, IReadOnlyList<PanelChannel>)>();
            foreach (var panel in panels)
            {
                loaded.Add((panel, await Rest.GetChannelsAsync(panel.Id, _stopping.Token).ConfigureAwait(false)));
            }

            _cache.Replace(loaded);
        }
        catch (Exception e) when (e is CirculApiException or HttpRequestException)
        {
            _logger.CacheLoadFailed(e);
        }
    }

    private async Task OnMemberJoinedAsync(string panelId, string userId)
    {
        if (userId == CurrentUser?.Id)
        {
            try
            {
                var panel = await Rest.GetPanelAsync(panelId, _stopping.Token).ConfigureAwait(false);
                _cache.SetPanel(panel, await Rest.GetChannelsAsync(panelId, _stopping.Token).ConfigureAwait(false));
            }
            catch (Exception e) when (e is CirculApiException or HttpRequestException)
            {
                _logger.PanelLoadFailed(e, panelId);
            }
        }
        else
        {
            _cache.UpdatePanel(panelId, p => p.MemberIds.Contains(userId)
                ? p
                : p with { MemberIds = [.. p.MemberIds, userId], MemberCount = p.MemberCount + 1 });
        }

        await FireAsync(MemberJoined, new MemberEventContext(this, panelId, userId), "panel_member_joined").ConfigureAwait(false);
    }

    private Task OnMemberLeftAsync(string panelId, string userId)
    {
        if (userId == CurrentUser?.Id)
        {
            _cache.RemovePanel(panelId);
        }
        else
        {
            _cache.UpdatePanel(panelId, p => !p.MemberIds.Contains(userId)
                ? p
                : p with { MemberIds = p.MemberIds.Where(id => id != userId).ToList(), MemberCount = Math.Max(0, p.MemberCount - 1) });
        }

        return FireAsync(MemberLeft, new MemberEventContext(this, panelId, userId), "panel_member_left");
    }

    private async Task OnMessageAsync(Message message, bool isCatchUp)
    {
        if (!IsFirstDispatch(message, "message:"))
        {
            return;
        }

        var context = new MessageContext(this, message, isCatchUp);
        await FireAsync(MessageReceived, context, "message").ConfigureAwait(false);
        await FireAsync(message.IsPanelMessage ? PanelMessageReceived : ConversationMessageReceived, context, "message").ConfigureAwait(false);
        if (!message.IsSystem
            && CommandParser.TryParse(message.Text, _options.CommandPrefix, out var name, out var args, out var rawArgs)
            && _commands.TryGetValue(name, out var command))
        {
            var commandContext = new CommandContext(this, message, isCatchUp, command.Name, args, rawArgs);
            await RunHandlerAsync(() => command.Handler(commandContext, _stopping.Token), "command:" + command.Name).ConfigureAwait(false);
        }
    }

    private async Task OnMentionAsync(Message message, bool isCatchUp)
    {
        if (!IsFirstDispatch(message, "mention:"))
        {
            return;
        }

        var context = new MessageContext(this, message, isCatchUp);
        await FireAsync(Mentioned, context, "mention").ConfigureAwait(false);
        if (message.IsPanelMessage)
        {
            await FireAsync(PanelMentioned, context, "mention").ConfigureAwait(false);
        }
    }

    /// <summary>Notes the message for the catch-up and tells whether this kind of dispatch of it is the first one (live
    /// or caught up) and not one the options ignore.</summary>
    private bool IsFirstDispatch(Message message, string kind)
    {
        Remember(message);
        return _dispatched.Add(kind + message.Id) && !IsIgnored(message);
    }

    private bool IsIgnored(Message message)
    {
        var isMe = message.SenderId == CurrentUser?.Id;
        return (isMe && _options.IgnoreOwnMessages) || (message.Sender.IsBot && _options.IgnoreBotMessages);
    }

    // ------------------------------------------------------------------ catch-up

    private string? LastSeenMessageId
    {
        get
        {
            lock (_cursorLock)
            {
                return _lastSeenMessageId;
            }
        }
    }

    private void Remember(Message message)
    {
        lock (_cursorLock)
        {
            if (!_roomCursors.TryGetValue(message.ConvId, out var cursor) || string.CompareOrdinal(message.Id, cursor) > 0)
            {
                _roomCursors[message.ConvId] = message.Id;
            }

            if (_lastSeenMessageId is null || string.CompareOrdinal(message.Id, _lastSeenMessageId) > 0)
            {
                _lastSeenMessageId = message.Id;
            }
        }
    }

    /// <summary>Message ids sort in acceptance order across the whole system, so every room's messages after the
    /// newest one the bot saw (or after that room's own newest) are the ones it missed. A bot that has seen none takes
    /// each room's newest messages posted after its first session began: the <c>Date</c> header has whole seconds and
    /// servers refresh it once a second, so two seconds after it nothing predates the session.</summary>
    private async Task<int> CatchUpAsync()
    {
        var lastSeen = LastSeenMessageId;
        DateTimeOffset? since = null;
        if (!_options.CatchUpMissedMessages)
        {
            return 0;
        }

        if (lastSeen is null)
        {
            if (_startedAt is not { } startedAt)
            {
                return 0;
            }

            since = startedAt + TimeSpan.FromSeconds(2);
        }

        var rooms = new Dictionary<string, (string? PanelId, string? After)>(StringComparer.Ordinal);
        foreach (var channel in _cache.AllChannels)
        {
            rooms[channel.Id] = (channel.PanelId, _roomCursors.GetValueOrDefault(channel.Id) ?? lastSeen);
        }

        var missed = new List<Message>();
        try
        {
            foreach (var conversation in await Rest.GetConversationsAsync(_stopping.Token).ConfigureAwait(false))
            {
                var after = _roomCursors.GetValueOrDefault(conversation.Id) ?? lastSeen;
                if (conversation.LastMessageId is { } newest && (after is null || string.CompareOrdinal(newest, after) > 0))
                {
                    rooms[conversation.Id] = (null, after);
                }
            }
        }
        catch (Exception e) when (e is CirculApiException or HttpRequestException)
        {
            _logger.CatchUpListFailed(e);
        }

        foreach (var (roomId, (panelId, after)) in rooms)
        {
            try
            {
                missed.AddRange(await FetchAfterAsync(roomId, panelId, after).ConfigureAwait(false));
            }
            catch (Exception e) when (e is CirculApiException or HttpRequestException)
            {
                _logger.CatchUpRoomFailed(e, roomId);
            }
        }

        var me = CurrentUser?.Id;
        var handed = 0;
        foreach (var message in missed.Where(m => since is null || m.CreatedAt >= since).OrderBy(m => m.Id, StringComparer.Ordinal))
        {
            await OnMessageAsync(message, isCatchUp: true).ConfigureAwait(false);
            if (me is not null && message.Mentions.Contains(me))
            {
                await OnMentionAsync(message, isCatchUp: true).ConfigureAwait(false);
            }

            handed++;
        }

        _logger.CaughtUp(handed, rooms.Count);
        return handed;
    }

    private async Task<List<Message>> FetchAfterAsync(string roomId, string? panelId, string? after)
    {
        const int page = 100;
        var result = new List<Message>();
        while (result.Count < _options.CatchUpMaxMessagesPerRoom)
        {
            var query = new MessageQuery { After = after, Limit = page };
            var batch = panelId is null
                ? await Rest.GetMessagesAsync(roomId, query, _stopping.Token).ConfigureAwait(false)
                : await Rest.GetChannelMessagesAsync(panelId, roomId, query, _stopping.Token).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                break;
            }

            result.AddRange(batch);
            after = batch.Select(m => m.Id).Max(StringComparer.Ordinal)!;
            if (batch.Count < page)
            {
                break;
            }
        }

        return result;
    }

    // ------------------------------------------------------------------ dispatch

    private Task OnDisconnectedAsync(DisconnectedEventArgs args) => FireAsync(Disconnected, args, "disconnected");

    private async Task FireAsync<T>(CirculEventHandler<T>? handlers, T args, string eventType)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<CirculEventHandler<T>>())
        {
            await RunHandlerAsync(() => handler(args, _stopping.Token), eventType).ConfigureAwait(false);
        }
    }

    private Task RunHandlerAsync(Func<Task> handler, string eventType)
    {
        if (!_options.RunHandlersConcurrently)
        {
            return GuardAsync(handler, eventType);
        }

        var task = Task.Run(() => GuardAsync(handler, eventType));
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    private async Task GuardAsync(Func<Task> handler, string eventType)
    {
        try
        {
            await handler().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            _logger.HandlerFailed(e, eventType);
            HandlerFailed?.Invoke(new HandlerFailedEventArgs { EventType = eventType, Exception = e });
        }
    }

    private static T Read<T>(JsonElement payload, string? property = null) =>
        (property is null ? payload : payload.GetProperty(property)).Deserialize<T>(ClientJson.Options)
        ?? throw new JsonException($"empty {typeof(T).Name} in a gateway event");

    private static string? Str(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
