namespace Circul.Silo.Gateway;

/// <summary>
/// A gateway session: its seq counter and resume buffer, and the connection it is attached to (none while the
/// client is away). Outlives its connection for the resume window. One small lock orders seq assignment, buffer
/// append and enqueueing, so events reach the connection in seq order and a resume's replay cannot interleave
/// with live events.
/// </summary>
internal sealed class GatewaySession(string id, string userId, string tokenHash, int bufferCapacity, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly ResumeBuffer _buffer = new(bufferCapacity);
    private long _seq;
    private GatewayConnection? _connection;
    private long _detachedAt;
    private bool _dropped;
    private string _tokenHash = tokenHash;

    public string Id { get; } = id;

    public string UserId { get; } = userId;

    /// <summary>The hash of the token the session's latest connection authenticated with.</summary>
    public string TokenHash => Volatile.Read(ref _tokenHash);

    /// <summary>When the session lost its connection (a <see cref="TimeProvider"/> timestamp); 0 while attached.</summary>
    public long DetachedAt => Volatile.Read(ref _detachedAt);

    /// <summary>Starts the session on its first connection with <c>ready</c> as seq 1 (not buffered: it is never replayed).</summary>
    public void AttachNew(GatewayConnection connection, ReadOnlyMemory<byte> readyBody)
    {
        lock (_lock)
        {
            var seq = ++_seq;
            connection.Session = this;
            connection.TryEnqueueEvent(seq, readyBody, enforceLimits: false);
            _connection = connection;
        }
    }

    /// <summary>Assigns the next seq to a published event, buffers it for resume and queues it on the connection, if any.</summary>
    public void Append(ReadOnlyMemory<byte> body)
    {
        lock (_lock)
        {
            if (_dropped)
            {
                return;
            }

            var seq = ++_seq;
            _buffer.Add(seq, body);
            _connection?.TryEnqueueEvent(seq, body, enforceLimits: true);
        }
    }

    /// <summary>
    /// Moves the session to <paramref name="connection"/> when it belongs to <paramref name="userId"/> and still holds
    /// every event after <paramref name="lastSeq"/>: queues those events, then <c>resumed</c>, then attaches, all under
    /// the lock so that live events follow in order. A connection still attached is replaced (closed).
    /// </summary>
    /// <returns>The number of replayed events, or -1 when the session cannot be resumed.</returns>
    public int TryResume(GatewayConnection connection, string userId, string tokenHash, long lastSeq, ReadOnlyMemory<byte> resumedBody)
    {
        lock (_lock)
        {
            if (_dropped || !string.Equals(UserId, userId, StringComparison.Ordinal) || lastSeq < _buffer.EvictedUpTo || lastSeq > _seq)
            {
                return -1;
            }

            var previous = _connection;
            if (previous is not null && !ReferenceEquals(previous, connection))
            {
                previous.RequestClose(GatewayCloseCodes.NormalClosure, "session resumed on another connection");
            }

            connection.Session = this;
            var replayed = 0;
            for (var i = 0; i < _buffer.Count; i++)
            {
                var entry = _buffer[i];
                if (entry.Seq > lastSeq)
                {
                    connection.TryEnqueueEvent(entry.Seq, entry.Body, enforceLimits: false);
                    replayed++;
                }
            }

            connection.TryEnqueueEvent(++_seq, resumedBody, enforceLimits: false);
            _connection = connection;
            Volatile.Write(ref _tokenHash, tokenHash);
            Volatile.Write(ref _detachedAt, 0);
            return replayed;
        }
    }

    /// <summary>The connection ended: the session waits for a resume (no-op if another connection took it over).</summary>
    public void Detach(GatewayConnection connection)
    {
        lock (_lock)
        {
            if (ReferenceEquals(_connection, connection))
            {
                _connection = null;
                Volatile.Write(ref _detachedAt, Math.Max(1, time.GetTimestamp()));
            }
        }
    }

    /// <summary>Ends the session for good (not resumable); returns the connection it was attached to, if any.</summary>
    public GatewayConnection? Drop()
    {
        lock (_lock)
        {
            _dropped = true;
            var connection = _connection;
            _connection = null;
            _buffer.Clear();
            return connection;
        }
    }

    /// <summary>Drops the session when it has been detached for at least <paramref name="window"/>.</summary>
    public bool TryExpire(long now, TimeSpan window)
    {
        lock (_lock)
        {
            if (_dropped || _connection is not null || _detachedAt == 0 || time.GetElapsedTime(_detachedAt, now) < window)
            {
                return false;
            }

            _dropped = true;
            _buffer.Clear();
            return true;
        }
    }
}
