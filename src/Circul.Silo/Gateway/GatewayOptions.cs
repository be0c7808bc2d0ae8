namespace Circul.Silo.Gateway;

/// <summary>Settings of the WebSocket gateway, bound from <c>Circul:Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Circul:Gateway";

    /// <summary>How often the server sends a protocol ping frame.</summary>
    public int HeartbeatIntervalMs { get; set; } = 30_000;

    /// <summary>How long after a ping a connection that sent nothing is closed with 4000.</summary>
    public int HeartbeatTimeoutMs { get; set; } = 30_000;

    /// <summary>How long a session outlives its connection and can be resumed.</summary>
    public int ResumeWindowSeconds { get; set; } = 120;

    /// <summary>How many events a session keeps for replay on resume.</summary>
    public int ResumeBufferEvents { get; set; } = 1_000;

    /// <summary>Events queued and not yet written above which a connection is closed with 4003.</summary>
    public int MaxQueuedEvents { get; set; } = 5_000;

    /// <summary>Bytes queued and not yet written above which a connection is closed with 4003.</summary>
    public long MaxQueuedBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest client message (after reassembly of fragments); larger ones close with 1009.</summary>
    public int MaxClientFrameBytes { get; set; } = 4_096;

    /// <summary>Client data frames allowed per minute; more close with 4008.</summary>
    public int MaxClientFramesPerMinute { get; set; } = 120;

    /// <summary>Sockets one token may hold open at once on this silo; one more is refused with 429 before the upgrade.
    /// Per silo until the cluster exists (then cluster-wide).</summary>
    public int MaxSocketsPerToken { get; set; } = 16;

    /// <summary>How long a closing connection may take to write its close frame and receive the peer's before it is aborted.</summary>
    public int CloseTimeoutMs { get; set; } = 2_000;
}
