using System.Net.WebSockets;
using System.Text;
using Circul.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Circul.Client.Tests;

/// <summary>Frames the real server never sends (not JSON, a payload of another shape, as a newer server might send)
/// are skipped and reported; they neither end the bot nor make it reconnect into a replay of the same frame.</summary>
public sealed class GatewayRobustnessTests
{
    private const string Ready = """
        {"type":"ready","seq":1,"payload":{"user":{"id":"bot-1","name":"Weather","is_bot":true,"owner_id":"u-1","status":"online",
         "mood":"","bio":"","avatar_url":"","banner_url":""},"session_id":"s-1","heartbeat_interval_ms":30000}}
        """;

    private const string Message = """
        {"type":"message_new","seq":5,"payload":{"conv_id":"c-1","message":{"id":"msg-1","conv_id":"c-1","panel_id":null,
         "channel_id":null,"sender_id":"u-1","sender":{"id":"u-1","name":"ann","is_bot":false,"avatar_url":""},"text":"still here",
         "bold":false,"italic":false,"mentions":[],"reply_to_id":null,"reactions":[],"is_system":false,
         "created_at":"2026-11-21T10:00:00.123Z","edited_at":null}}}
        """;

    [Fact]
    public async Task UnreadableFrames_AreSkippedAndReported_AndTheNextEventArrivesOnTheSameConnection()
    {
        string[] frames =
        [
            Ready,
            "this is not JSON",
            """{"type":"message_edited","seq":2,"payload":{"conv_id":"c-1"}}""",
            """{"type":"panel_updated","seq":3,"payload":{"id":17}}""",
            """{"type":"reaction_added","seq":"four","payload":[]}""",
            Message,
        ];
        await using var server = await ScriptedServer.StartAsync(app =>
        {
            app.MapGet("/api/panels", () => Results.Text("[]", "application/json"));
            app.MapGet("/api/conversations", () => Results.Text("[]", "application/json"));
            app.Map("/ws", (HttpContext context) => ServeAsync(context, frames));
        });
        await using var bot = new CirculBot(server.BaseUrl, "cb_token", BotWorld.FastOptions());
        var messages = new EventRecorder<MessageContext>(c => c.Text);
        var failures = new EventRecorder<HandlerFailedEventArgs>(f => $"{f.EventType}: {f.Exception.GetType().Name}");
        var disconnects = new EventRecorder<DisconnectedEventArgs>(d => $"{d.CloseCode} {d.Reason}");
        bot.MessageReceived += messages.Handler;
        bot.HandlerFailed += failures.Add;
        bot.Disconnected += disconnects.Handler;

        await bot.StartAsync().WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal("still here", (await messages.WaitForAsync(m => m.Message.Id == "msg-1", "the message after the bad frames")).Text);
        Assert.Equal(["message_edited", "panel_updated", "reaction_added"], failures.Items.Select(f => f.EventType));
        Assert.Empty(disconnects.Items);
        Assert.Equal(1, bot.GatewayConnectAttempts);
    }

    [Fact]
    public async Task CancellingRunBeforeTheFirstSession_StopsTheBot_InsteadOfRetryingInTheBackground()
    {
        // Nothing listens on this port: every attempt fails and the bot backs off and retries.
        await using var bot = new CirculBot($"http://127.0.0.1:{TcpForwarder.FreePort()}", "cb_token", BotWorld.FastOptions());
        var disconnects = new EventRecorder<DisconnectedEventArgs>(d => d.Reason);
        bot.Disconnected += disconnects.Handler;
        using var cancel = new CancellationTokenSource();

        var running = bot.RunAsync(cancel.Token);
        await disconnects.WaitForAsync(d => d.WillReconnect, "a failed attempt");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.False(bot.IsRunning, "the gateway loop kept retrying after RunAsync was cancelled");
    }

    private static async Task ServeAsync(HttpContext context, IEnumerable<string> frames)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        foreach (var frame in frames)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, context.RequestAborted);
        }

        var buffer = new byte[4096];
        try
        {
            while ((await socket.ReceiveAsync(buffer, context.RequestAborted)).MessageType != WebSocketMessageType.Close)
            {
            }

            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The bot went away.
        }
    }
}
