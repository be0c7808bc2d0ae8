using Microsoft.Extensions.Logging;

namespace Circul.Client;

/// <summary>Settings of <see cref="CirculBot"/>.</summary>
public sealed class CirculBotOptions
{
    /// <summary>The command prefix (default <c>!</c>): <c>!info a b</c> runs the command <c>info</c> with arguments
    /// <c>a</c> and <c>b</c>.</summary>
    public string CommandPrefix { get; set; } = "!";

    /// <summary>Whether messages sent by bots (this one included) are kept from message, mention and command handlers
    /// (default true): two bots answering each other never loop.</summary>
    public bool IgnoreBotMessages { get; set; } = true;

    /// <summary>Whether this bot's own messages are kept from message, mention and command handlers (default true;
    /// holds even when <see cref="IgnoreBotMessages"/> is false).</summary>
    public bool IgnoreOwnMessages { get; set; } = true;

    /// <summary>Whether handlers run concurrently, each in its own task (default true, as discord.py does), so a slow
    /// handler never stalls the gateway. When false, handlers run one after another in event order.</summary>
    public bool RunHandlersConcurrently { get; set; } = true;

    /// <summary>After a reconnect that could not resume (<c>invalid_session</c>), fetch the messages posted while
    /// disconnected through REST and hand them to the message handlers (marked <see cref="MessageContext.IsCatchUp"/>),
    /// so that a restart of the server loses no command (default true). Only messages are recovered, not edits,
    /// deletions, reactions or other events of the gap. The starting point is the newest message the bot has seen; a
    /// bot that has seen none takes the messages posted from two seconds after its first session began.</summary>
    public bool CatchUpMissedMessages { get; set; } = true;

    /// <summary>The most messages fetched per room by the catch-up (default 500).</summary>
    public int CatchUpMaxMessagesPerRoom { get; set; } = 500;

    /// <summary>The first reconnect waits a random time up to this; each further failed attempt doubles the bound
    /// ("full jitter" backoff). Default 1 s.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest backoff bound (default 60 s).</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the bot sends <c>{"type":"ping"}</c> and expects a <c>pong</c> back; a missing pong means a
    /// dead connection, which is dropped and resumed. Null (default) uses the server's <c>heartbeat_interval_ms</c>.
    /// (The server's WebSocket pings are answered by <see cref="System.Net.WebSockets.ClientWebSocket"/> itself.)</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>How long a connection attempt may take (default 30 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>REST settings (retries, rate limits).</summary>
    public CirculRestOptions Rest { get; set; } = new();

    /// <summary>Where the bot logs (connections, reconnects, handler failures); null for nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>An HttpClient for REST calls (not disposed by the bot); null to make one.</summary>
    public HttpClient? HttpClient { get; set; }
}
