using System.Buffers;
using System.Buffers.Binary;
using System.Threading.Channels;

namespace Circul.Silo.Gateway;

/// <summary>
/// One upgraded socket speaking RFC 6455 over the raw stream. The reader runs on the request's task; one writer
/// loop owns the write side and drains a bounded queue of shared event bodies, coalescing queued frames into one
/// pooled buffer per write. Enqueueing never blocks: a queue over its bounds closes the connection with 4003.
/// </summary>
internal sealed class GatewayConnection : IDisposable
{
    private const int ReadBufferSize = 4096;
    private const int BatchBufferSize = 32 * 1024;
    private const int ControlReserve = 2 * WebSocketFraming.MaxControlFrame;
    private static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);
    private static readonly byte[] PingFrame = [0x80 | WebSocketFraming.OpPing, 0];

    private readonly HttpContext _context;
    private readonly Stream _stream;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<OutgoingFrame> _queue = Channel.CreateUnbounded<OutgoingFrame>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });
    private readonly CancellationTokenSource _lifetime;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan _closeTimeout;
    private readonly TimeSpan _slowCloseTimeout;
    private readonly int _maxQueuedEvents;
    private readonly long _maxQueuedBytes;
    private readonly int _maxClientFrameBytes;
    private readonly int _maxClientFramesPerMinute;
    private CancellationTokenRegistration _abortRegistration;
    private Task _writer = Task.CompletedTask;
    private CloseRequest? _close;
    private GatewaySession? _session;
    private byte[]? _pendingPong;
    private int _pingRequested;
    private int _queuedEvents;
    private long _queuedBytes;
    private long _lastReceived;
    private long _lastPingAt;
    private long _unansweredPingAt;
    private int _dropSession;
    private int _slowQueuedEvents;
    private long _slowQueuedBytes;
    private int _disposed;
    private volatile bool _closeFrameSent;
    private volatile bool _peerDone;

    // Reader state: touched by the reader only.
    private byte[]? _readBuffer;
    private int _readStart;
    private int _readEnd;
    private byte[]? _message;
    private int _messageLength;
    private int _messageOpcode = -1;
    private long _windowStart;
    private int _windowFrames;

    public GatewayConnection(
        HttpContext context, Stream stream, string userId, string tokenHash, GatewayOptions options, TimeProvider time,
        GatewayMetrics metrics, ILogger logger)
    {
        _context = context;
        _stream = stream;
        UserId = userId;
        TokenHash = tokenHash;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _closeTimeout = TimeSpan.FromMilliseconds(options.CloseTimeoutMs);
        // A client too slow to take its events will hardly take the close frame: give it at most a second.
        _slowCloseTimeout = TimeSpan.FromMilliseconds(Math.Min(options.CloseTimeoutMs, 1000));
        _maxQueuedEvents = options.MaxQueuedEvents;
        _maxQueuedBytes = options.MaxQueuedBytes;
        _maxClientFrameBytes = options.MaxClientFrameBytes;
        _maxClientFramesPerMinute = options.MaxClientFramesPerMinute;
        _lifetime = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        var now = time.GetTimestamp();
        _lastReceived = now;
        _lastPingAt = now;
    }

    public string UserId { get; }

    /// <summary>The hash of the token this socket was opened with.</summary>
    public string TokenHash { get; }

    /// <summary>The session this connection carries, once attached.</summary>
    public GatewaySession? Session
    {
        get => Volatile.Read(ref _session);
        set => Volatile.Write(ref _session, value);
    }

    /// <summary>Set when the session must not outlive this connection (revoked token, deleted user).</summary>
    public bool DropSessionOnClose => Volatile.Read(ref _dropSession) != 0;

    public bool IsClosing => Volatile.Read(ref _close) is not null;

    /// <summary>Completes when the connection has ended and released everything.</summary>
    public Task Completion => _completion.Task;

    public void Start()
    {
        _abortRegistration = _context.RequestAborted.Register(static state => ((GatewayConnection)state!).CancelLifetime(), this);
        _writer = Task.Run(WriteLoopAsync);
    }

    public void MarkDropSession() => Volatile.Write(ref _dropSession, 1);

    /// <summary>Queues a sequenced event. Never blocks. Returns false when the event was dropped (closing, or over the bounds).</summary>
    public bool TryEnqueueEvent(long seq, ReadOnlyMemory<byte> body, bool enforceLimits)
    {
        if (Volatile.Read(ref _close) is not null)
        {
            _metrics.Dropped();
            return false;
        }

        var frame = new OutgoingFrame(OutgoingFrameKind.Sequenced, seq, body);
        var size = frame.QueuedSize;
        var count = Interlocked.Increment(ref _queuedEvents);
        var bytes = Interlocked.Add(ref _queuedBytes, size);
        if (enforceLimits && (count > _maxQueuedEvents || bytes > _maxQueuedBytes))
        {
            Interlocked.Decrement(ref _queuedEvents);
            Interlocked.Add(ref _queuedBytes, -size);
            _metrics.Dropped();
            if (RequestClose(GatewayCloseCodes.TooSlow, "too slow", timeout: _slowCloseTimeout))
            {
                // Logged when the connection ends, not here on the publisher's thread.
                _metrics.SlowClose();
                _slowQueuedEvents = count - 1;
                _slowQueuedBytes = bytes - size;
            }

            return false;
        }

        _queue.Writer.TryWrite(frame);
        return true;
    }

    /// <summary>Queues a frame without seq (pong, invalid_session); <paramref name="body"/> lacks the opening brace.</summary>
    public void EnqueueUnsequenced(ReadOnlyMemory<byte> body)
    {
        if (Volatile.Read(ref _close) is null)
        {
            _queue.Writer.TryWrite(new OutgoingFrame(OutgoingFrameKind.Unsequenced, 0, body));
        }
    }

    /// <summary>
    /// Starts closing: no more events are queued, the writer sends the close frame (after what is queued when
    /// <paramref name="drain"/>), and whatever is not finished within the close timeout is aborted. The first request wins.
    /// </summary>
    public bool RequestClose(int? code, string reason, bool drain = false, bool sendFrame = true, TimeSpan? timeout = null)
    {
        var request = new CloseRequest(code, reason, drain, sendFrame);
        if (Interlocked.CompareExchange(ref _close, request, null) is not null)
        {
            return false;
        }

        if (Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                _lifetime.CancelAfter(timeout ?? _closeTimeout);
            }
            catch (ObjectDisposedException)
            {
                // Already finished.
            }
        }

        Wake();
        return true;
    }

    /// <summary>Called by the maintenance loop: sends pings and enforces the heartbeat timeout.</summary>
    public void CheckHeartbeat(long now, TimeSpan interval, TimeSpan timeout)
    {
        if (IsClosing)
        {
            return;
        }

        var lastReceived = Volatile.Read(ref _lastReceived);
        var unanswered = _unansweredPingAt;
        if (unanswered != 0 && lastReceived < unanswered && _time.GetElapsedTime(unanswered, now) >= timeout)
        {
            if (RequestClose(GatewayCloseCodes.HeartbeatTimeout, "heartbeat timeout"))
            {
                _metrics.HeartbeatTimeout();
                _logger.HeartbeatTimedOut(UserId);
            }

            return;
        }

        if (_time.GetElapsedTime(_lastPingAt, now) >= interval)
        {
            _lastPingAt = now;
            if (unanswered == 0 || lastReceived >= unanswered)
            {
                _unansweredPingAt = now;
            }

            Volatile.Write(ref _pingRequested, 1);
            Wake();
        }
    }

    /// <summary>Reads until the connection ends, then makes sure the writer has ended and the socket is released.</summary>
    public async Task RunAsync()
    {
        var token = _lifetime.Token;
        try
        {
            await ReadLoopAsync(token);
        }
        catch (OperationCanceledException)
        {
            // Close timeout, writer failure or connection aborted.
        }
        catch (Exception e)
        {
            _logger.ReadFailed(UserId, e);
        }
        finally
        {
            ReleaseReadBuffers();
        }

        RequestClose(null, "", sendFrame: false);
        try
        {
            await _writer.WaitAsync(_closeTimeout, _time);
        }
        catch (TimeoutException)
        {
            // Handled below: the socket is aborted.
        }

        var close = Volatile.Read(ref _close)!;
        var graceful = _peerDone && _writer.IsCompleted && (!close.SendFrame || _closeFrameSent) && !token.IsCancellationRequested;
        if (!graceful)
        {
            CancelLifetime();
            _context.Abort();
        }

        await _writer;
        var dropped = 0;
        while (_queue.Reader.TryRead(out var frame))
        {
            if (frame.Kind == OutgoingFrameKind.Sequenced)
            {
                dropped++;
            }
        }

        if (dropped > 0)
        {
            _metrics.Dropped(dropped);
        }

        if (close.Code == GatewayCloseCodes.TooSlow)
        {
            _logger.SlowClient(UserId, _slowQueuedEvents, _slowQueuedBytes);
        }

        _logger.ConnectionClosed(UserId, close.Code ?? 0, close.Reason, graceful);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _abortRegistration.Dispose();
        _lifetime.Dispose();
        _completion.TrySetResult();
    }

    private void Wake() => _queue.Writer.TryWrite(OutgoingFrame.Wake);

    private void CancelLifetime()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            _lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    private void MarkReceived() => Volatile.Write(ref _lastReceived, _time.GetTimestamp());

    // ---------------------------------------------------------------- writer

    private async Task WriteLoopAsync()
    {
        var token = _lifetime.Token;
        var clean = false;
        try
        {
            while (true)
            {
                var close = Volatile.Read(ref _close);
                if (close is not null && (!close.Drain || !HasPendingFrames()))
                {
                    if (close.SendFrame)
                    {
                        await _stream.WriteAsync(WebSocketFraming.BuildClose(close.Code, close.Reason), token);
                        await _stream.FlushAsync(token);
                        _closeFrameSent = true;
                    }

                    clean = true;
                    return;
                }

                if (await WriteBatchAsync(close is null || close.Drain, token))
                {
                    continue;
                }

                if (Volatile.Read(ref _close) is not null)
                {
                    continue;
                }

                await _stream.FlushAsync(token);
                if (!await _queue.Reader.WaitToReadAsync(token))
                {
                    clean = true;
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Close timeout or aborted connection.
        }
        catch (Exception e)
        {
            _logger.WriteFailed(UserId, e);
        }
        finally
        {
            if (!clean)
            {
                CancelLifetime();
            }
        }
    }

    private bool HasPendingFrames()
    {
        var reader = _queue.Reader;
        while (reader.TryPeek(out var frame))
        {
            if (frame.Kind != OutgoingFrameKind.Wake)
            {
                return true;
            }

            reader.TryRead(out _);
        }

        return false;
    }

    /// <summary>Writes pending control frames and as many queued frames as fit one pooled buffer; false when there was nothing.</summary>
    private async ValueTask<bool> WriteBatchAsync(bool includeData, CancellationToken token)
    {
        byte[]? batch = null;
        try
        {
            var length = 0;
            var frames = 0;
            var events = 0;
            var bytes = 0L;
            AppendControlFrames(ref batch, ref length);
            if (includeData)
            {
                var reader = _queue.Reader;
                while (reader.TryPeek(out var frame))
                {
                    if (frame.Kind == OutgoingFrameKind.Wake)
                    {
                        reader.TryRead(out _);
                        continue;
                    }

                    var size = frame.FrameLength;
                    if (batch is null)
                    {
                        batch = ArrayPool<byte>.Shared.Rent(Math.Max(BatchBufferSize, size + ControlReserve));
                    }
                    else if (length + size + ControlReserve > batch.Length)
                    {
                        if (length > 0)
                        {
                            break;
                        }

                        ArrayPool<byte>.Shared.Return(batch);
                        batch = ArrayPool<byte>.Shared.Rent(size + ControlReserve);
                    }

                    reader.TryRead(out _);
                    length += frame.WriteTo(batch.AsSpan(length));
                    frames++;
                    if (frame.Kind == OutgoingFrameKind.Sequenced)
                    {
                        events++;
                        bytes += frame.QueuedSize;
                    }
                }
            }

            // Checked again after the queue was read: a ping or pong signalled by a wake just consumed is not lost.
            AppendControlFrames(ref batch, ref length);
            if (length == 0)
            {
                return false;
            }

            await _stream.WriteAsync(batch.AsMemory(0, length), token);
            if (events > 0)
            {
                Interlocked.Add(ref _queuedEvents, -events);
                Interlocked.Add(ref _queuedBytes, -bytes);
            }

            if (frames > 0)
            {
                _metrics.Delivered(frames);
            }

            return true;
        }
        finally
        {
            if (batch is not null)
            {
                ArrayPool<byte>.Shared.Return(batch);
            }
        }
    }

    private void AppendControlFrames(ref byte[]? batch, ref int length)
    {
        var pong = Interlocked.Exchange(ref _pendingPong, null);
        var ping = Interlocked.Exchange(ref _pingRequested, 0) != 0;
        if (pong is null && !ping)
        {
            return;
        }

        batch ??= ArrayPool<byte>.Shared.Rent(BatchBufferSize);
        if (pong is not null)
        {
            length += WebSocketFraming.WriteControl(batch.AsSpan(length), WebSocketFraming.OpPong, pong);
        }

        if (ping)
        {
            PingFrame.CopyTo(batch.AsSpan(length));
            length += PingFrame.Length;
        }
    }

    // ---------------------------------------------------------------- reader

    private async Task ReadLoopAsync(CancellationToken token)
    {
        while (true)
        {
            if (_readBuffer is not null && _readStart == _readEnd)
            {
                // Idle connections hold no receive buffer: the next read starts with a zero-byte read.
                ArrayPool<byte>.Shared.Return(_readBuffer);
                _readBuffer = null;
            }

            if (!await FillAsync(2, token))
            {
                _peerDone = true;
                return;
            }

            var b0 = _readBuffer![_readStart];
            var b1 = _readBuffer[_readStart + 1];
            var fin = (b0 & 0x80) != 0;
            var reserved = b0 & 0x70;
            var opcode = b0 & 0x0F;
            var masked = (b1 & 0x80) != 0;
            var length7 = b1 & 0x7F;
            var headerLength = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
            if (!await FillAsync(headerLength, token))
            {
                _peerDone = true;
                return;
            }

            var header = _readBuffer.AsSpan(_readStart, headerLength);
            var payloadLength = length7 switch
            {
                126 => BinaryPrimitives.ReadUInt16BigEndian(header[2..]),
                127 => (long)BinaryPrimitives.ReadUInt64BigEndian(header[2..]),
                _ => length7,
            };
            var mask = masked ? BinaryPrimitives.ReadUInt32LittleEndian(header[(headerLength - 4)..]) : 0u;
            _readStart += headerLength;
            MarkReceived();

            if (payloadLength < 0)
            {
                // A 64-bit length with its top bit set: the stream cannot be followed any further.
                RequestClose(GatewayCloseCodes.ProtocolError, "protocol error");
                await DiscardToEndAsync(token);
                return;
            }

            var isControl = opcode >= WebSocketFraming.OpClose;
            if (IsClosing)
            {
                // Closing: wait for the peer's close frame, ignore everything else.
                if (opcode == WebSocketFraming.OpClose && payloadLength <= WebSocketFraming.MaxControlPayload)
                {
                    await SkipAsync(payloadLength, token);
                    _peerDone = true;
                    return;
                }

                if (!await SkipAsync(payloadLength, token))
                {
                    _peerDone = true;
                    return;
                }

                continue;
            }

            if (reserved != 0 || !masked || !WebSocketFraming.IsKnownOpcode(opcode)
                || (isControl && (!fin || payloadLength > WebSocketFraming.MaxControlPayload)))
            {
                RequestClose(GatewayCloseCodes.ProtocolError, "protocol error");
                if (!await SkipAsync(payloadLength, token))
                {
                    _peerDone = true;
                    return;
                }

                continue;
            }

            if (isControl)
            {
                var length = (int)payloadLength;
                if (!await FillAsync(length, token))
                {
                    _peerDone = true;
                    return;
                }

                var payload = _readBuffer.AsSpan(_readStart, length);
                WebSocketFraming.Unmask(payload, mask, 0);
                _readStart += length;
                if (HandleControl(opcode, payload))
                {
                    return;
                }

                continue;
            }

            if (!await HandleDataFrameAsync(fin, opcode, payloadLength, mask, token))
            {
                _peerDone = true;
                return;
            }
        }
    }

    /// <returns>true when the frame was a close: the reader is done.</returns>
    private bool HandleControl(int opcode, ReadOnlySpan<byte> payload)
    {
        switch (opcode)
        {
            case WebSocketFraming.OpPing:
                Volatile.Write(ref _pendingPong, payload.ToArray());
                Wake();
                return false;
            case WebSocketFraming.OpPong:
                return false;
            default:
                if (payload.Length == 1)
                {
                    RequestClose(GatewayCloseCodes.ProtocolError, "protocol error");
                }
                else
                {
                    int? code = payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : null;
                    RequestClose(code, "");
                }

                _peerDone = true;
                return true;
        }
    }

    /// <returns>false at the end of the stream.</returns>
    private async ValueTask<bool> HandleDataFrameAsync(bool fin, int opcode, long payloadLength, uint mask, CancellationToken token)
    {
        var continuation = opcode == WebSocketFraming.OpContinuation;
        if (continuation != (_messageOpcode >= 0))
        {
            RequestClose(GatewayCloseCodes.ProtocolError, "protocol error");
            return await SkipAsync(payloadLength, token);
        }

        if (!CountDataFrame())
        {
            RequestClose(GatewayCloseCodes.RateLimited, "rate limited");
            return await SkipAsync(payloadLength, token);
        }

        if (_messageLength + payloadLength > _maxClientFrameBytes)
        {
            RequestClose(GatewayCloseCodes.MessageTooBig, "frame too large");
            return await SkipAsync(payloadLength, token);
        }

        var length = (int)payloadLength;
        if (fin && !continuation && length <= ReadBufferSize)
        {
            // The common case: a whole small message, handled in place in the receive buffer.
            if (!await FillAsync(length, token))
            {
                return false;
            }

            var payload = _readBuffer.AsSpan(_readStart, length);
            WebSocketFraming.Unmask(payload, mask, 0);
            _readStart += length;
            HandleMessage(opcode, payload);
            return true;
        }

        _message ??= ArrayPool<byte>.Shared.Rent(_maxClientFrameBytes);
        var offset = 0;
        while (offset < length)
        {
            if (!await FillAsync(1, token))
            {
                return false;
            }

            var take = Math.Min(length - offset, _readEnd - _readStart);
            var target = _message.AsSpan(_messageLength, take);
            _readBuffer.AsSpan(_readStart, take).CopyTo(target);
            WebSocketFraming.Unmask(target, mask, offset);
            _readStart += take;
            _messageLength += take;
            offset += take;
        }

        if (!continuation)
        {
            _messageOpcode = opcode;
        }

        if (fin)
        {
            HandleMessage(_messageOpcode, _message.AsSpan(0, _messageLength));
            _messageOpcode = -1;
            _messageLength = 0;
            ArrayPool<byte>.Shared.Return(_message);
            _message = null;
        }

        return true;
    }

    private void HandleMessage(int opcode, ReadOnlySpan<byte> payload)
    {
        if (opcode != WebSocketFraming.OpText)
        {
            // Binary messages carry nothing the gateway understands; like other client frames they are ignored.
            return;
        }

        switch (ClientMessageParser.Parse(payload))
        {
            case ClientMessageKind.Ping:
                EnqueueUnsequenced(GatewayBodies.Pong);
                break;
            case ClientMessageKind.Invalid:
                RequestClose(GatewayCloseCodes.InvalidFrame, "invalid frame");
                break;
        }
    }

    private bool CountDataFrame()
    {
        var now = _time.GetTimestamp();
        if (_windowFrames == 0 || _time.GetElapsedTime(_windowStart, now) >= RateWindow)
        {
            _windowStart = now;
            _windowFrames = 0;
        }

        return ++_windowFrames <= _maxClientFramesPerMinute;
    }

    /// <summary>Makes at least <paramref name="count"/> (at most <see cref="ReadBufferSize"/>) bytes available; false at the end of the stream.</summary>
    private async ValueTask<bool> FillAsync(int count, CancellationToken token)
    {
        if (_readBuffer is not null && _readEnd - _readStart >= count)
        {
            return true;
        }

        if (_readBuffer is null)
        {
            // Wait for data without holding a buffer, then rent one.
#pragma warning disable CA2022 // A zero-byte read only waits for data; it consumes nothing.
            await _stream.ReadAsync(Memory<byte>.Empty, token);
#pragma warning restore CA2022
            _readBuffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
            _readStart = 0;
            _readEnd = 0;
        }
        else if (_readStart == _readEnd)
        {
            _readStart = 0;
            _readEnd = 0;
        }
        else if (_readStart + count > _readBuffer.Length)
        {
            var available = _readEnd - _readStart;
            Buffer.BlockCopy(_readBuffer, _readStart, _readBuffer, 0, available);
            _readStart = 0;
            _readEnd = available;
        }

        while (_readEnd - _readStart < count)
        {
            var read = await _stream.ReadAsync(_readBuffer.AsMemory(_readEnd), token);
            if (read == 0)
            {
                return false;
            }

            _readEnd += read;
        }

        return true;
    }

    /// <summary>Reads and discards a payload; false at the end of the stream.</summary>
    private async ValueTask<bool> SkipAsync(long length, CancellationToken token)
    {
        while (length > 0)
        {
            if (!await FillAsync(1, token))
            {
                return false;
            }

            var take = (int)Math.Min(length, _readEnd - _readStart);
            _readStart += take;
            length -= take;
        }

        return true;
    }

    private async Task DiscardToEndAsync(CancellationToken token)
    {
        while (await FillAsync(1, token))
        {
            _readStart = _readEnd;
        }

        _peerDone = true;
    }

    private void ReleaseReadBuffers()
    {
        if (_readBuffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_readBuffer);
            _readBuffer = null;
        }

        if (_message is not null)
        {
            ArrayPool<byte>.Shared.Return(_message);
            _message = null;
        }
    }
}
