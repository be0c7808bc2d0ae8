using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Circul.Client;

/// <summary>
/// One bot's gateway connection over its whole life: connects, keeps the session's id and last seq, heartbeats with
/// <c>{"type":"ping"}</c>, drops duplicate seqs, and after any break reconnects with <c>session_id</c>/<c>last_seq</c>
/// after a jittered exponential backoff. 4001 (and a 401 at connect) end it with <see cref="CirculGatewayException"/>.
/// </summary>
internal sealed class GatewayClient(Uri server, string token, CirculBotOptions options, ILogger logger)
{
    private static readonly ReadOnlyMemory<byte> Ping = "{\"type\":\"ping\"}"u8.ToArray();

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private long _pongsSincePing;
    private int _processingFrame;
    private int _connectAttempts;

    /// <summary>The session to resume, or null.</summary>
    public string? SessionId { get; private set; }

    /// <summary>The highest seq received in <see cref="SessionId"/>.</summary>
    public long LastSeq { get; private set; }

    /// <summary>The session that <c>invalid_session</c> ended, until the next <c>ready</c> takes it.</summary>
    public string? LostSessionId { get; set; }

    /// <summary>Events received on the current connection before <c>resumed</c> (the replay).</summary>
    public int EventsSinceConnect { get; private set; }

    /// <summary>How many connections were attempted (tests check that 4001 stops reconnecting).</summary>
    public int ConnectAttempts => Volatile.Read(ref _connectAttempts);

    public async Task RunAsync(
        Func<GatewayEvent, Task> onFrame, Func<DisconnectedEventArgs, Task> onDisconnected, CancellationToken stopping)
    {
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            var established = false;
            int? closeCode = null;
            var reason = "";
            Exception? error = null;
            TimeSpan? retryAfter = null;
            try
            {
                using var socket = await ConnectAsync(stopping).ConfigureAwait(false);
                (closeCode, reason) = await ServeAsync(socket, onFrame, () => established = true, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (HandshakeRefusedException e) when (e.Status == HttpStatusCode.Unauthorized)
            {
                await onDisconnected(new DisconnectedEventArgs { Reason = "invalid token", Exception = e }).ConfigureAwait(false);
                throw new CirculGatewayException("the gateway refused the token (401)", null, e);
            }
            catch (HandshakeRefusedException e)
            {
                error = e;
                reason = e.Message;
                retryAfter = e.RetryAfter;
            }
            catch (Exception e) when (e is WebSocketException or IOException or HttpRequestException or JsonException
                                          or OperationCanceledException)
            {
                error = e;
                reason = e.Message;
            }

            if (stopping.IsCancellationRequested)
            {
                break;
            }

            if (closeCode == 4001)
            {
                logger.TokenRevoked(reason);
                SessionId = null;
                await onDisconnected(new DisconnectedEventArgs { CloseCode = closeCode, Reason = reason }).ConfigureAwait(false);
                throw new CirculGatewayException($"the token was revoked (4001 {reason})", 4001);
            }

            failures = established ? 1 : failures + 1;
            var delay = Backoff(failures);
            if (retryAfter is { } wait && wait > delay)
            {
                delay = wait;
            }

            logger.Reconnecting(closeCode?.ToString(CultureInfo.InvariantCulture) ?? "no close code", reason, delay, SessionId is not null);
            await onDisconnected(new DisconnectedEventArgs
            {
                CloseCode = closeCode, Reason = reason, Exception = error, WillReconnect = true, ReconnectDelay = delay,
            }).ConfigureAwait(false);
            try
            {
                await Task.Delay(delay, options.Rest.TimeProvider, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Stopping: closes with 1000 (the session stays resumable on the server for a while), and aborts when the
    /// server does not answer the close within 5 s.</summary>
    private async Task CloseForStopAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                if (socket.State == WebSocketState.Open)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bot stopping", timeout.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                _sendLock.Release();
            }

            await Task.Delay(TimeSpan.FromSeconds(5), options.Rest.TimeProvider, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Aborted below.
        }

        if (socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            socket.Abort();
        }
    }

    /// <summary>"Full jitter": a random wait up to the doubled bound.</summary>
    private TimeSpan Backoff(int failures)
    {
        var bound = options.ReconnectDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 20));
        bound = Math.Min(bound, options.MaxReconnectDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * bound);
    }

    private async Task<ClientWebSocket> ConnectAsync(CancellationToken stopping)
    {
        Interlocked.Increment(ref _connectAttempts);
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var query = "ws?token=" + Uri.EscapeDataString(token);
        if (SessionId is { } sessionId)
        {
            query += "&session_id=" + Uri.EscapeDataString(sessionId) + "&last_seq=" + LastSeq.ToString(CultureInfo.InvariantCulture);
        }

        var builder = new UriBuilder(new Uri(server, query)) { Scheme = server.Scheme == "https" ? "wss" : "ws" };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(builder.Uri, timeout.Token).ConfigureAwait(false);
        }
        catch (WebSocketException e) when (socket.HttpStatusCode is not 0 and not HttpStatusCode.SwitchingProtocols)
        {
            var retryAfter = socket.HttpResponseHeaders?.TryGetValue("Retry-After", out var values) == true
                && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                    ? TimeSpan.FromSeconds(seconds)
                    : (TimeSpan?)null;
            var status = socket.HttpStatusCode;
            socket.Dispose();
            throw new HandshakeRefusedException(status, retryAfter, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        EventsSinceConnect = 0;
        return socket;
    }

    /// <summary>Reads frames until the connection ends; returns the close code and reason (null code: no close frame).</summary>
    private async Task<(int? Code, string Reason)> ServeAsync(
        ClientWebSocket socket, Func<GatewayEvent, Task> onFrame, Action established, CancellationToken stopping)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var stopRegistration = stopping.Register(() => _ = CloseForStopAsync(socket));
        Task heartbeat = Task.CompletedTask;
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    // Not cancelled by stopping: the stop closes the socket and the close frame ends this loop.
                    result = await socket.ReceiveAsync(buffer.GetMemory(8 * 1024), CancellationToken.None).ConfigureAwait(false);
                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return ((int?)socket.CloseStatus, socket.CloseStatusDescription ?? "");
                }

                if (result.MessageType != WebSocketMessageType.Text)
                {
                    continue;
                }

                if (Parse(buffer.WrittenMemory) is not { } frame)
                {
                    continue;
                }

                switch (frame.Type)
                {
                    case "pong":
                        Interlocked.Increment(ref _pongsSincePing);
                        continue;
                    case "invalid_session":
                        logger.SessionInvalid(SessionId);
                        LostSessionId = SessionId ?? LostSessionId;
                        SessionId = null;
                        LastSeq = 0;
                        break;
                    case "ready":
                        SessionId = frame.Payload.TryGetProperty("session_id", out var id) ? id.GetString() : null;
                        LastSeq = frame.Seq ?? 0;
                        established();
                        heartbeat = StartHeartbeat(socket, frame.Payload, heartbeat, connection.Token);
                        break;
                    case "resumed":
                        LastSeq = frame.Seq ?? LastSeq;
                        established();
                        heartbeat = StartHeartbeat(socket, frame.Payload, heartbeat, connection.Token);
                        break;
                    default:
                        if (frame.Seq is { } seq)
                        {
                            if (seq <= LastSeq)
                            {
                                continue;
                            }

                            LastSeq = seq;
                        }

                        EventsSinceConnect++;
                        break;
                }

                // While a frame is processed (the cache load and catch-up after ready, or handlers run one after
                // another) nothing reads the socket, so pongs wait unread: the heartbeat must not take that for a dead
                // connection. The first interval after the frame counts as answered.
                Volatile.Write(ref _processingFrame, 1);
                try
                {
                    await onFrame(frame).ConfigureAwait(false);
                }
                finally
                {
                    Volatile.Write(ref _processingFrame, 0);
                    Interlocked.Increment(ref _pongsSincePing);
                }
            }
        }
        finally
        {
            await connection.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private Task StartHeartbeat(ClientWebSocket socket, JsonElement payload, Task running, CancellationToken connection)
    {
        if (!running.IsCompleted)
        {
            return running;
        }

        var interval = options.HeartbeatInterval
            ?? (payload.TryGetProperty("heartbeat_interval_ms", out var ms) && ms.TryGetInt32(out var value) && value > 0
                ? TimeSpan.FromMilliseconds(value)
                : TimeSpan.FromSeconds(30));
        return HeartbeatAsync(socket, interval, connection);
    }

    private async Task HeartbeatAsync(ClientWebSocket socket, TimeSpan interval, CancellationToken connection)
    {
        Interlocked.Exchange(ref _pongsSincePing, 1);
        using var timer = new PeriodicTimer(interval, options.Rest.TimeProvider);
        while (await timer.WaitForNextTickAsync(connection).ConfigureAwait(false))
        {
            if (Volatile.Read(ref _processingFrame) == 0 && Interlocked.Exchange(ref _pongsSincePing, 0) == 0)
            {
                logger.HeartbeatMissed(interval);
                socket.Abort();
                return;
            }

            await _sendLock.WaitAsync(connection).ConfigureAwait(false);
            try
            {
                await socket.SendAsync(Ping, WebSocketMessageType.Text, true, connection).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
    }

    /// <summary>The frame, or null for one that is not a JSON object (logged and skipped, as a frame the server never
    /// sends; reconnecting would only replay it).</summary>
    private GatewayEvent? Parse(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(utf8);
        }
        catch (JsonException e)
        {
            logger.FrameNotJson(e);
            return null;
        }

        using (json)
        {
            var root = json.RootElement;
            return root.ValueKind != JsonValueKind.Object
                ? null
                : new GatewayEvent
                {
                    Type = root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() ?? "" : "",
                    Seq = root.TryGetProperty("seq", out var seq) && seq.ValueKind == JsonValueKind.Number && seq.TryGetInt64(out var n) ? n : null,
                    Payload = root.TryGetProperty("payload", out var payload) ? payload.Clone() : default,
                };
        }
    }
}
