using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace Circul.LoadTest;

/// <summary>
/// One bot's gateway connection. A single receive loop parses every frame, counts
/// <c>message_new</c>/<c>panel_message</c> deliveries per room (checking that message ids keep
/// increasing, API.md: events of a room arrive in commit order and ids sort in that order) and records
/// send-to-delivery latency. Tallies are read only after the loop has ended.
/// </summary>
public sealed class BotSocket : IAsyncDisposable
{
    private const int InitialBufferSize = 16 * 1024;

    private readonly ClientWebSocket _ws = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, RoomTally> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RoomTally>.AlternateLookup<ReadOnlySpan<char>> _roomsBySpan;
    private readonly LatencyHistogram _latency = new();
    private readonly LatencyHistogram _sameSiloLatency = new();
    private readonly LatencyHistogram _crossSiloLatency = new();
    private Task _receiveLoop = Task.CompletedTask;
    private long _measureFrom = long.MaxValue;
    private long _received;
    private long _crossSiloReceived;
    private long _measured;
    private long _lastMeasuredAt;
    private long _frames;
    private long _panelUpdates;
    private long _lastPanelUpdateAt;
    private long _lastPanelUpdateBytes;
    private volatile bool _closing;

    /// <param name="bot">The bot whose token the socket uses.</param>
    /// <param name="silo">The index of the <c>--url</c> the socket connects to (see <see cref="SiloTargets"/>).</param>
    public BotSocket(BotIdentity bot, int silo = 0)
    {
        Bot = bot;
        Silo = silo;
        _roomsBySpan = _rooms.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public BotIdentity Bot { get; }

    /// <summary>The index of the <c>--url</c> this socket is connected to.</summary>
    public int Silo { get; }

    /// <summary>
    /// Load-test message events (their text carries a send stamp) received so far, in any room; safe to
    /// read while running. Messages the tool did not send (a panel's join announcements) are tallied
    /// per room but not counted here, so that waiting for "all expected deliveries" is not fooled by them.
    /// </summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary><c>panel_updated</c> events received so far; safe to read while running.</summary>
    public long PanelUpdates => Volatile.Read(ref _panelUpdates);

    /// <summary>Size in bytes of the last <c>panel_updated</c> frame.</summary>
    public long LastPanelUpdateBytes => Volatile.Read(ref _lastPanelUpdateBytes);

    /// <summary>When the last <c>panel_updated</c> arrived (Stopwatch timestamp).</summary>
    public long LastPanelUpdateAt => Volatile.Read(ref _lastPanelUpdateAt);

    /// <summary>Deliveries of messages sent at or after the measurement start.</summary>
    public long MeasuredDeliveries => _measured;

    /// <summary>When the last measured delivery arrived (Stopwatch timestamp).</summary>
    public long LastMeasuredAt => _lastMeasuredAt;

    public LatencyHistogram Latency => _latency;

    /// <summary>Measured deliveries whose sender used this socket's URL (<c>s=</c> in the text equals <see cref="Silo"/>).</summary>
    public LatencyHistogram SameSiloLatency => _sameSiloLatency;

    /// <summary>Measured deliveries whose sender used another URL.</summary>
    public LatencyHistogram CrossSiloLatency => _crossSiloLatency;

    /// <summary>Load-test deliveries (as <see cref="Received"/>) whose sender used another URL; safe to read while running.</summary>
    public long CrossSiloReceived => Volatile.Read(ref _crossSiloReceived);

    public IReadOnlyDictionary<string, RoomTally> Rooms => _rooms;

    /// <summary>Frames that were not JSON or had no type.</summary>
    public long BadFrames { get; private set; }

    /// <summary>Set when the server (or the network) ended the connection before we closed it.</summary>
    public string? UnexpectedEnd { get; private set; }

    /// <summary>Deliveries of messages stamped before this Stopwatch timestamp are counted but not timed (warm-up).</summary>
    public void MeasureFrom(long timestamp) => Volatile.Write(ref _measureFrom, timestamp);

    public async Task ConnectAsync(Uri gatewayUrl, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _ws.ConnectAsync(gatewayUrl, cts.Token);
        }
        catch (WebSocketException ex)
        {
            throw new InvalidOperationException($"bot {Bot.Id}: WebSocket connect failed: {ex.Message}", ex);
        }

        _receiveLoop = Task.Run(() => ReceiveLoopAsync(CancellationToken.None), CancellationToken.None);
        try
        {
            await _ready.Task.WaitAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"bot {Bot.Id}: no 'ready' frame within {timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Sends our close frame, waits for the server's (bounded), then aborts if it never came.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        _closing = true;
        using var cts = new CancellationTokenSource(timeout);
        if (_ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "load test done", cts.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The peer is gone already; the receive loop has recorded how it ended.
            }
        }

        try
        {
            await _receiveLoop.WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _ws.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await CloseAsync(TimeSpan.FromSeconds(2));
        }

        _ws.Dispose();
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        var used = 0;
        try
        {
            while (true)
            {
                if (used == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, used).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var result = await _ws.ReceiveAsync(buffer.AsMemory(used), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (!_closing)
                    {
                        UnexpectedEnd = $"closed by the server: {(int?)_ws.CloseStatus} {_ws.CloseStatusDescription}";
                        _ready.TrySetException(new InvalidOperationException($"bot {Bot.Id}: {UnexpectedEnd} before 'ready'"));
                    }

                    if (_ws.State == WebSocketState.CloseReceived)
                    {
                        await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    }

                    return;
                }

                used += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    OnFrame(buffer.AsSpan(0, used));
                }

                used = 0;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_closing)
            {
                UnexpectedEnd ??= $"connection lost: {ex.Message}";
            }

            _ready.TrySetException(new InvalidOperationException($"bot {Bot.Id}: {ex.Message} before 'ready'", ex));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void OnFrame(ReadOnlySpan<byte> utf8)
    {
        var now = Stopwatch.GetTimestamp();
        _frames++;
        if (!GatewayFrame.TryParse(utf8, out var frame))
        {
            BadFrames++;
            return;
        }

        if (_frames == 1)
        {
            if (frame.Kind == GatewayFrameKind.Ready)
            {
                _ready.TrySetResult();
            }
            else
            {
                _ready.TrySetException(new InvalidOperationException(
                    $"bot {Bot.Id}: first frame was not 'ready' but {Encoding.UTF8.GetString(utf8[..Math.Min(utf8.Length, 200)])}"));
            }

            return;
        }

        if (frame.Kind == GatewayFrameKind.PanelUpdated)
        {
            Volatile.Write(ref _lastPanelUpdateBytes, utf8.Length);
            Volatile.Write(ref _lastPanelUpdateAt, now);
            Volatile.Write(ref _panelUpdates, _panelUpdates + 1);
            return;
        }

        if (frame.Kind is not (GatewayFrameKind.MessageNew or GatewayFrameKind.PanelMessage))
        {
            return;
        }

        TallyFor(frame.ConvId).Add(frame.MessageId);
        if (frame.SentTimestamp == 0)
        {
            return;
        }

        Volatile.Write(ref _received, _received + 1);
        var crossSilo = frame.SenderSilo >= 0 && frame.SenderSilo != Silo;
        if (crossSilo)
        {
            Volatile.Write(ref _crossSiloReceived, _crossSiloReceived + 1);
        }

        if (!frame.Warmup && frame.SentTimestamp >= Volatile.Read(ref _measureFrom))
        {
            var micros = LatencyHistogram.TicksToMicros(now - frame.SentTimestamp);
            _latency.Record(micros);
            if (frame.SenderSilo >= 0)
            {
                (crossSilo ? _crossSiloLatency : _sameSiloLatency).Record(micros);
            }

            _measured++;
            _lastMeasuredAt = now;
        }
    }

    private RoomTally TallyFor(ReadOnlySpan<byte> convIdUtf8)
    {
        Span<char> chars = stackalloc char[128];
        if (convIdUtf8.Length <= chars.Length)
        {
            var length = Encoding.UTF8.GetChars(convIdUtf8, chars);
            if (_roomsBySpan.TryGetValue(chars[..length], out var existing))
            {
                return existing;
            }
        }

        var tally = new RoomTally();
        _rooms[Encoding.UTF8.GetString(convIdUtf8)] = tally;
        return tally;
    }
}
