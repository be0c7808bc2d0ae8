using System.Globalization;
using System.Text;

namespace Circul.Silo.Gateway;

/// <summary>Counters of the gateway on this silo (read by the /metrics endpoint). Thread-safe.</summary>
public sealed class GatewayMetrics
{
    private long _openConnections;
    private long _connectionsAccepted;
    private long _eventsDelivered;
    private long _eventsDropped;
    private long _slowClosed;
    private long _heartbeatTimeouts;
    private long _sessions;
    private long _sessionsResumed;
    private long _resumeFailures;

    /// <summary>Gauge: upgraded sockets currently open.</summary>
    public long OpenConnections => Volatile.Read(ref _openConnections);

    /// <summary>Counter: sockets upgraded since start.</summary>
    public long ConnectionsAccepted => Volatile.Read(ref _connectionsAccepted);

    /// <summary>Counter: data frames written to sockets (events, replays, ready/resumed, pongs).</summary>
    public long EventsDelivered => Volatile.Read(ref _eventsDelivered);

    /// <summary>Counter: events not written because their connection was closing, closed or over its queue bounds.</summary>
    public long EventsDropped => Volatile.Read(ref _eventsDropped);

    /// <summary>Counter: connections closed with 4003 (too slow).</summary>
    public long SlowClosed => Volatile.Read(ref _slowClosed);

    /// <summary>Counter: connections closed with 4000 (heartbeat timeout).</summary>
    public long HeartbeatTimeouts => Volatile.Read(ref _heartbeatTimeouts);

    /// <summary>Gauge: sessions held (attached or waiting to be resumed).</summary>
    public long Sessions => Volatile.Read(ref _sessions);

    /// <summary>Counter: successful resumes.</summary>
    public long SessionsResumed => Volatile.Read(ref _sessionsResumed);

    /// <summary>Counter: resume attempts answered with invalid_session.</summary>
    public long ResumeFailures => Volatile.Read(ref _resumeFailures);

    /// <summary>Appends these metrics in the Prometheus text format.</summary>
    public void Write(StringBuilder output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Append(output, "circul_gateway_open_sockets", "gauge", "Open gateway WebSockets.", OpenConnections);
        Append(output, "circul_gateway_connections_total", "counter", "Gateway WebSockets accepted since start.", ConnectionsAccepted);
        Append(output, "circul_gateway_events_sent_total", "counter", "Data frames written to gateway sockets (events sent).", EventsDelivered);
        Append(output, "circul_gateway_events_dropped_total", "counter", "Events not written because their connection was closing or too slow.", EventsDropped);
        Append(output, "circul_gateway_slow_closed_total", "counter", "Connections closed with 4003 (too slow).", SlowClosed);
        Append(output, "circul_gateway_heartbeat_timeouts_total", "counter", "Connections closed with 4000 (heartbeat timeout).", HeartbeatTimeouts);
        Append(output, "circul_gateway_sessions", "gauge", "Gateway sessions held (attached or resumable).", Sessions);
        Append(output, "circul_gateway_resumes_total", "counter", "Sessions resumed.", SessionsResumed);
        Append(output, "circul_gateway_resume_failures_total", "counter", "Resume attempts answered with invalid_session.", ResumeFailures);
    }

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref _openConnections);
        Interlocked.Increment(ref _connectionsAccepted);
    }

    internal void ConnectionClosed() => Interlocked.Decrement(ref _openConnections);

    internal void Delivered(int frames) => Interlocked.Add(ref _eventsDelivered, frames);

    internal void Dropped(int events = 1) => Interlocked.Add(ref _eventsDropped, events);

    internal void SlowClose() => Interlocked.Increment(ref _slowClosed);

    internal void HeartbeatTimeout() => Interlocked.Increment(ref _heartbeatTimeouts);

    internal void SessionOpened() => Interlocked.Increment(ref _sessions);

    internal void SessionClosed() => Interlocked.Decrement(ref _sessions);

    internal void Resumed() => Interlocked.Increment(ref _sessionsResumed);

    internal void ResumeFailed() => Interlocked.Increment(ref _resumeFailures);

    private static void Append(StringBuilder output, string name, string type, string help, long value) =>
        output.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");
}
