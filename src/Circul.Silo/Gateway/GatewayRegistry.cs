using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Buffers.Text;
using Circul.Contracts;
using Circul.Grains.Accounts;
using Circul.Grains.Events;
using Circul.Grains.Panels;
using Circul.Silo.Cluster;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Gateway;

/// <summary>
/// This silo's gateway sessions and connections: delivers events to local sessions and closes sockets for account
/// operations (the <see cref="ILocalSessions"/> the cluster event path reaches, for this silo's events and others'),
/// and runs the heartbeat and resume-window sweep for every connection from one periodic loop.
/// </summary>
public sealed class GatewayRegistry : ILocalSessions
{
    /// <summary>A user keeps at most this many sessions; opening another drops its oldest detached ones.</summary>
    internal const int MaxSessionsPerUser = 16;

    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, GatewaySession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, GatewaySession[]> _byUser = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<GatewayConnection, byte> _connections = new();
    private readonly Lock _indexLock = new();
    private readonly Dictionary<string, int> _socketsPerToken = new(StringComparer.Ordinal);
    private readonly Lock _socketsLock = new();
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<GatewayRegistry> _logger;
    private readonly TimeSpan _heartbeatInterval;
    private readonly TimeSpan _heartbeatTimeout;
    private readonly TimeSpan _resumeWindow;
    private int _localUsers;
    private long _lastSweep;
    private volatile bool _stopping;

    public GatewayRegistry(IOptions<GatewayOptions> options, TimeProvider time, GatewayMetrics metrics, ILogger<GatewayRegistry> logger)
    {
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _heartbeatInterval = TimeSpan.FromMilliseconds(_options.HeartbeatIntervalMs);
        _heartbeatTimeout = TimeSpan.FromMilliseconds(_options.HeartbeatTimeoutMs);
        _resumeWindow = TimeSpan.FromSeconds(_options.ResumeWindowSeconds);
        _lastSweep = time.GetTimestamp();
    }

    /// <summary>True once the host is stopping: new connections are closed with 4004.</summary>
    public bool IsStopping => _stopping;

    /// <summary>How often the maintenance loop should call <see cref="Tick"/>.</summary>
    internal TimeSpan TickPeriod =>
        TimeSpan.FromMilliseconds(Math.Clamp(Math.Min(_options.HeartbeatIntervalMs, _options.HeartbeatTimeoutMs) / 4, 10, 1000));

    /// <summary>Appends the event to every local session of every user in its audience (resolved with the panel
    /// snapshots the audience names). Never blocks.</summary>
    public void Deliver(OutboundEvent outboundEvent, PanelSnapshot? after, PanelSnapshot? before)
    {
        ArgumentNullException.ThrowIfNull(outboundEvent);
        var localUsers = Volatile.Read(ref _localUsers);
        if (localUsers == 0)
        {
            return;
        }

        var audience = outboundEvent.Audience;
        var body = outboundEvent.Body;
        var candidates = AudienceResolver.Candidates(audience, after);
        Func<string, bool> includes;
        try
        {
            includes = AudienceResolver.Compile(audience, after, before);
        }
        catch (Exception e)
        {
            _logger.FilterFailed(outboundEvent.Type, e);
            return;
        }

        if (candidates.Count > 2 * localUsers && candidates is not string[])
        {
            // A large audience (a panel's members) on a silo with few users: test each local user instead.
            foreach (var (userId, sessions) in _byUser)
            {
                if (Includes(includes, outboundEvent.Type, userId))
                {
                    Append(body, sessions);
                }
            }

            return;
        }

        // Listed ids are distinct and, for a Users audience, are the audience itself.
        var listed = audience.Kind == AudienceKind.Users;
        foreach (var userId in candidates)
        {
            if (_byUser.TryGetValue(userId, out var sessions) && (listed || Includes(includes, outboundEvent.Type, userId)))
            {
                Append(body, sessions);
            }
        }
    }

    /// <summary>Closes every socket opened with one of these token hashes; their sessions cannot be resumed.</summary>
    public void CloseTokens(IReadOnlyCollection<string> tokenHashes, int closeCode, string reason)
    {
        ArgumentNullException.ThrowIfNull(tokenHashes);
        if (tokenHashes.Count == 0)
        {
            return;
        }

        var hashes = tokenHashes as IReadOnlySet<string> ?? new HashSet<string>(tokenHashes, StringComparer.Ordinal);
        var closed = 0;
        foreach (var connection in _connections.Keys)
        {
            if (hashes.Contains(connection.TokenHash))
            {
                connection.MarkDropSession();
                connection.RequestClose(closeCode, reason);
                closed++;
            }
        }

        foreach (var session in _sessions.Values)
        {
            if (hashes.Contains(session.TokenHash))
            {
                DropSession(session, closeCode, reason);
            }
        }

        if (closed > 0)
        {
            _logger.ClosingConnections(closed, closeCode, reason);
        }
    }

    /// <summary>Closes every socket; no session can be resumed (events for them were lost).</summary>
    public void CloseAll(int closeCode, string reason)
    {
        var closed = 0;
        foreach (var connection in _connections.Keys)
        {
            connection.MarkDropSession();
            connection.RequestClose(closeCode, reason);
            closed++;
        }

        foreach (var session in _sessions.Values)
        {
            DropSession(session, closeCode, reason);
        }

        if (closed > 0)
        {
            _logger.ClosingConnections(closed, closeCode, reason);
        }
    }

    /// <summary>Closes every socket of a user; its sessions cannot be resumed.</summary>
    public void CloseUser(string userId, int closeCode, string reason)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var closed = 0;
        foreach (var connection in _connections.Keys)
        {
            if (string.Equals(connection.UserId, userId, StringComparison.Ordinal))
            {
                connection.MarkDropSession();
                connection.RequestClose(closeCode, reason);
                closed++;
            }
        }

        if (_byUser.TryGetValue(userId, out var sessions))
        {
            foreach (var session in sessions)
            {
                DropSession(session, closeCode, reason);
            }
        }

        if (closed > 0)
        {
            _logger.ClosingConnections(closed, closeCode, reason);
        }
    }

    /// <summary>Starts the graceful shutdown: every connection is closed with 4004 after writing what it has queued.</summary>
    public void BeginShutdown()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        var count = 0;
        foreach (var connection in _connections.Keys)
        {
            connection.RequestClose(GatewayCloseCodes.ShuttingDown, "server shutting down", drain: true);
            count++;
        }

        _logger.ShuttingDown(count);
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) until every connection has ended.</summary>
    public async Task WaitForConnectionsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = _connections.Keys.Select(c => c.Completion).ToArray();
        if (pending.Length == 0)
        {
            return;
        }

        try
        {
            await Task.WhenAll(pending).WaitAsync(timeout, _time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // The host's own shutdown timeout takes over.
        }
    }

    /// <summary>One maintenance pass: heartbeats of every connection, then (about once a second) expired sessions.</summary>
    public void Tick()
    {
        var now = _time.GetTimestamp();
        foreach (var connection in _connections.Keys)
        {
            connection.CheckHeartbeat(now, _heartbeatInterval, _heartbeatTimeout);
        }

        if (_time.GetElapsedTime(_lastSweep, now) >= SweepInterval || _resumeWindow < SweepInterval)
        {
            _lastSweep = now;
            foreach (var session in _sessions.Values)
            {
                if (session.TryExpire(now, _resumeWindow))
                {
                    RemoveFromIndex(session);
                }
            }
        }
    }

    /// <summary>Takes one of the token's socket places, or returns null when it holds
    /// <see cref="GatewayOptions.MaxSocketsPerToken"/> already. Count and check are one step under a lock, so
    /// concurrent upgrades cannot overshoot; a token without sockets leaves no entry behind.</summary>
    internal GatewaySocketSlot? TryReserveSocket(string tokenHash)
    {
        lock (_socketsLock)
        {
            _socketsPerToken.TryGetValue(tokenHash, out var open);
            if (open >= _options.MaxSocketsPerToken)
            {
                return null;
            }

            _socketsPerToken[tokenHash] = open + 1;
        }

        return new GatewaySocketSlot(this, tokenHash);
    }

    /// <summary>Sockets the token holds on this silo (reserved places included).</summary>
    internal int SocketCount(string tokenHash)
    {
        lock (_socketsLock)
        {
            return _socketsPerToken.GetValueOrDefault(tokenHash);
        }
    }

    internal void ReleaseSocket(string tokenHash)
    {
        lock (_socketsLock)
        {
            if (!_socketsPerToken.TryGetValue(tokenHash, out var open))
            {
                return;
            }

            if (open <= 1)
            {
                _socketsPerToken.Remove(tokenHash);
            }
            else
            {
                _socketsPerToken[tokenHash] = open - 1;
            }
        }
    }

    internal void Track(GatewayConnection connection)
    {
        _connections.TryAdd(connection, 0);
        _metrics.ConnectionOpened();
        if (_stopping)
        {
            connection.RequestClose(GatewayCloseCodes.ShuttingDown, "server shutting down", drain: true);
        }
    }

    /// <summary>The connection ended: forget it, and detach (or drop) its session.</summary>
    internal void Release(GatewayConnection connection)
    {
        if (_connections.TryRemove(connection, out _))
        {
            _metrics.ConnectionClosed();
        }

        var session = connection.Session;
        if (session is null)
        {
            return;
        }

        if (connection.DropSessionOnClose || _stopping)
        {
            DropSession(session, null, "");
        }
        else
        {
            session.Detach(connection);
        }
    }

    /// <summary>Starts a new session on <paramref name="connection"/> with <c>ready</c> (seq 1).</summary>
    internal GatewaySession CreateSession(GatewayConnection connection, AuthenticatedUser user, UserDto profile)
    {
        var id = NewSessionId();
        var session = new GatewaySession(id, user.UserId, user.TokenHash, _options.ResumeBufferEvents, _time);
        session.AttachNew(connection, GatewayBodies.Ready(profile, id, _options.HeartbeatIntervalMs));
        AddToIndex(session);
        if (connection.DropSessionOnClose)
        {
            // Revoked while the session was being set up.
            DropSession(session, null, "");
        }

        return session;
    }

    /// <summary>Resumes a session on <paramref name="connection"/>; false when it is unknown, someone else's, or has a gap.</summary>
    internal bool TryResume(ResumeRequest request, GatewayConnection connection, AuthenticatedUser user)
    {
        if (request.LastSeq is not { } lastSeq || !_sessions.TryGetValue(request.SessionId, out var session))
        {
            _metrics.ResumeFailed();
            _logger.ResumeRejected(request.SessionId, user.UserId, request.LastSeq);
            return false;
        }

        var replayed = session.TryResume(connection, user.UserId, user.TokenHash, lastSeq, GatewayBodies.Resumed(session.Id));
        if (replayed < 0)
        {
            _metrics.ResumeFailed();
            _logger.ResumeRejected(request.SessionId, user.UserId, lastSeq);
            return false;
        }

        _metrics.Resumed();
        _logger.SessionResumed(session.Id, user.UserId, replayed);
        return true;
    }

    private bool Includes(Func<string, bool> includes, string eventType, string userId)
    {
        try
        {
            return includes(userId);
        }
        catch (Exception e)
        {
            _logger.FilterFailed(eventType, e);
            return false;
        }
    }

    private static void Append(ReadOnlyMemory<byte> body, GatewaySession[] sessions)
    {
        foreach (var session in sessions)
        {
            session.Append(body);
        }
    }

    private void DropSession(GatewaySession session, int? closeCode, string reason)
    {
        var connection = session.Drop();
        if (closeCode is not null && connection is not null)
        {
            connection.MarkDropSession();
            connection.RequestClose(closeCode, reason);
        }

        RemoveFromIndex(session);
    }

    private void AddToIndex(GatewaySession session)
    {
        List<GatewaySession>? evicted = null;
        lock (_indexLock)
        {
            _sessions[session.Id] = session;
            if (_byUser.TryGetValue(session.UserId, out var existing))
            {
                if (existing.Length >= MaxSessionsPerUser)
                {
                    evicted = existing.Where(s => s.DetachedAt != 0).OrderBy(s => s.DetachedAt)
                        .Take(existing.Length - MaxSessionsPerUser + 1).ToList();
                }

                _byUser[session.UserId] = [.. existing, session];
            }
            else
            {
                _byUser[session.UserId] = [session];
                _localUsers++;
            }
        }

        _metrics.SessionOpened();
        if (evicted is not null)
        {
            foreach (var old in evicted)
            {
                DropSession(old, null, "");
            }
        }
    }

    private void RemoveFromIndex(GatewaySession session)
    {
        lock (_indexLock)
        {
            if (!_sessions.TryRemove(new KeyValuePair<string, GatewaySession>(session.Id, session)))
            {
                return;
            }

            if (_byUser.TryGetValue(session.UserId, out var existing))
            {
                var remaining = Array.FindAll(existing, s => !ReferenceEquals(s, session));
                if (remaining.Length == 0)
                {
                    _byUser.TryRemove(session.UserId, out _);
                    _localUsers--;
                }
                else
                {
                    _byUser[session.UserId] = remaining;
                }
            }
        }

        _metrics.SessionClosed();
    }

    private static string NewSessionId()
    {
        Span<byte> random = stackalloc byte[18];
        RandomNumberGenerator.Fill(random);
        return Base64Url.EncodeToString(random);
    }
}
