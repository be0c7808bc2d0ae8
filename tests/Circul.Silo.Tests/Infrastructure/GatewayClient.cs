using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>
/// A real <see cref="ClientWebSocket"/> with a receive loop always pending (so protocol pings are answered),
/// recording every frame. Waits never sleep: they await the next frame with a deadline, and a failure names
/// what was expected and lists what arrived.
/// </summary>
public sealed class GatewayClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket;
    private readonly Channel<GatewayEvent> _incoming = Channel.CreateUnbounded<GatewayEvent>();
    private readonly List<GatewayEvent> _received = [];
    private readonly HashSet<int> _consumed = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly string _label;
    private Task _receiveLoop = Task.CompletedTask;
    private int _strictCursor;
    private volatile bool _ended;

    private GatewayClient(ClientWebSocket socket, string label)
    {
        _socket = socket;
        _label = label;
    }

    /// <summary>Close code the server sent (custom 4xxx codes included), once closed.</summary>
    public int? CloseCode { get; private set; }

    public string? CloseDescription { get; private set; }

    /// <summary>Set when the connection ended without a close frame (abort / reset).</summary>
    public Exception? ReceiveError { get; private set; }

    /// <summary>Every frame received so far, in arrival order (reading does not remove anything).</summary>
    public IReadOnlyList<GatewayEvent> Received
    {
        get
        {
            Drain();
            return _received;
        }
    }

    public WebSocketState State => _socket.State;

    public static async Task<GatewayClient> ConnectAsync(Uri baseUri, string token, string? sessionId, long? lastSeq, string label)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var uri = GatewayUri(baseUri, token, sessionId, lastSeq);
        using var cts = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await socket.ConnectAsync(uri, cts.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            throw new GatewayConnectException($"gateway connect for {label} failed (HTTP {(int)status}): {e.Message}", status, e);
        }

        var client = new GatewayClient(socket, label);
        client._receiveLoop = Task.Run(client.ReceiveLoopAsync);
        return client;
    }

    public static Uri GatewayUri(Uri baseUri, string token, string? sessionId = null, long? lastSeq = null)
    {
        var builder = new UriBuilder(baseUri) { Scheme = baseUri.Scheme == "https" ? "wss" : "ws", Path = "/ws" };
        var query = "token=" + Uri.EscapeDataString(token);
        if (sessionId is not null)
        {
            query += "&session_id=" + Uri.EscapeDataString(sessionId);
        }

        if (lastSeq is not null)
        {
            query += "&last_seq=" + lastSeq.Value;
        }

        builder.Query = query;
        return builder.Uri;
    }

    public async Task SendTextAsync(string text)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
    }

    /// <summary>
    /// The earliest not-yet-taken frame of <paramref name="type"/> matching <paramref name="match"/>; frames of
    /// other types stay available for later calls.
    /// </summary>
    public async Task<GatewayEvent> NextEventAsync(string type, Func<GatewayEvent, bool>? match = null, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var description = what ?? (match is null ? $"'{type}'" : $"'{type}' matching the test's condition");
        while (true)
        {
            Drain();
            for (var i = 0; i < _received.Count; i++)
            {
                if (!_consumed.Contains(i) && _received[i].Type == type && (match is null || match(_received[i])))
                {
                    _consumed.Add(i);
                    return _received[i];
                }
            }

            if (!await WaitForMoreAsync(deadline))
            {
                Assert.Fail($"{_label}: expected {description} {Ending(deadline)}\n{Transcript()}");
            }
        }
    }

    /// <summary>The next frame in strict arrival order (for seq and resume tests), pongs included.</summary>
    public async Task<GatewayEvent> NextFrameAsync(TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            Drain();
            if (_strictCursor < _received.Count)
            {
                _consumed.Add(_strictCursor);
                return _received[_strictCursor++];
            }

            if (!await WaitForMoreAsync(deadline))
            {
                Assert.Fail($"{_label}: expected {what ?? "another frame"} {Ending(deadline)}\n{Transcript()}");
            }
        }
    }

    /// <summary>
    /// Waits for the marker frame, then fails if a forbidden frame (not already taken by the test) arrived before
    /// it: "a stranger received nothing" proven without sleeping.
    /// </summary>
    public async Task AssertNoneBeforeAsync(Func<GatewayEvent, bool> forbidden, string markerType, Func<GatewayEvent, bool> marker, string forbiddenDescription)
    {
        var found = await NextEventAsync(markerType, marker, what: $"the marker '{markerType}'");
        var index = _received.IndexOf(found);
        var offending = _received.Take(index).Where((e, i) => !_consumed.Contains(i) && forbidden(e)).ToList();
        Assert.True(offending.Count == 0,
            $"{_label}: expected no {forbiddenDescription} before the marker, got:\n{string.Join("\n", offending)}\n{Transcript()}");
    }

    /// <summary>Frames already received that match (no waiting).</summary>
    public IReadOnlyList<GatewayEvent> ReceivedOf(string type, Func<GatewayEvent, bool>? match = null) =>
        Received.Where(e => e.Type == type && (match is null || match(e))).ToList();

    /// <summary>Waits until the server closes the connection; returns the close code (null if it was aborted).</summary>
    public async Task<int?> WaitForCloseAsync(TimeSpan? timeout = null, string? expected = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            Drain();
            if (_ended)
            {
                await _receiveLoop;
                Drain();
                return CloseCode;
            }

            if (!await WaitForMoreAsync(deadline) && !_ended)
            {
                Assert.Fail($"{_label}: expected the server to close the connection{(expected is null ? "" : " with " + expected)} {Ending(deadline)}\n{Transcript()}");
            }
        }
    }

    /// <summary>Waits for the close and asserts its code.</summary>
    public async Task ExpectCloseAsync(int code, TimeSpan? timeout = null)
    {
        var actual = await WaitForCloseAsync(timeout, code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(actual == code,
            $"{_label}: expected close code {code}, got {(actual is null ? "no close frame (" + ReceiveError?.Message + ")" : actual + " '" + CloseDescription + "'")}\n{Transcript()}");
    }

    public string Transcript()
    {
        var lines = _received.Select((e, i) => $"  [{i}]{(_consumed.Contains(i) ? " (taken)" : "")} {e}").ToList();
        if (lines.Count > 40)
        {
            lines = [.. lines.Take(10), $"  ... {lines.Count - 30} more ...", .. lines.TakeLast(20)];
        }

        var state = CloseCode is not null ? $"closed {CloseCode} '{CloseDescription}'"
            : ReceiveError is not null ? $"ended: {ReceiveError.Message}" : "open";
        return $"frames received by {_label} ({_received.Count}, socket {state}):\n" + string.Join("\n", lines);
    }

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The server may already be gone; the test only needs the socket released.
            }
        }

        await StopLoopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task StopLoopAsync()
    {
        if (!_receiveLoop.IsCompleted)
        {
            await _stop.CancelAsync();
            try
            {
                await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                _socket.Abort();
            }
        }
    }

    private string Ending(DateTime deadline) =>
        _ended
            ? $"but the connection ended ({(CloseCode is not null ? $"close {CloseCode} '{CloseDescription}'" : ReceiveError?.Message ?? "no close frame")})"
            : $"but it had not arrived by the deadline ({deadline:HH:mm:ss.fff} UTC)";

    private void Drain()
    {
        while (_incoming.Reader.TryRead(out var frame))
        {
            _received.Add(frame);
        }
    }

    /// <returns>false when the deadline passed or the connection ended with nothing more to read.</returns>
    private async Task<bool> WaitForMoreAsync(DateTime deadline)
    {
        var remaining = deadline - DateTime.UtcNow;
        if (remaining <= TimeSpan.Zero)
        {
            return false;
        }

        using var cts = new CancellationTokenSource(remaining);
        try
        {
            return await _incoming.Reader.WaitToReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        var message = new ArrayBufferWriter<byte>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseCode = (int?)_socket.CloseStatus;
                    CloseDescription = _socket.CloseStatusDescription;
                    try
                    {
                        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
                    }
                    catch (Exception)
                    {
                        // Completing the closing handshake is a courtesy; the code is already recorded.
                    }

                    return;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (result.EndOfMessage)
                {
                    _incoming.Writer.TryWrite(GatewayEvent.Parse(Encoding.UTF8.GetString(message.WrittenSpan)));
                    message.Clear();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by the test.
        }
        catch (Exception e)
        {
            ReceiveError = e;
        }
        finally
        {
            _ended = true;
            _incoming.Writer.TryComplete();
        }
    }
}
