namespace Circul.Silo.Cluster;

/// <summary><c>Circul:Cluster</c>: how events travel between silos.</summary>
public sealed class ClusterEventOptions
{
    public const string SectionName = "Circul:Cluster";

    /// <summary>Events queued for one other silo before new ones are dropped (and that silo's sockets reset).</summary>
    public int MaxQueuedEventsPerSilo { get; set; } = 100_000;

    /// <summary>Events per batch sent to another silo.</summary>
    public int MaxBatchEvents { get; set; } = 512;

    /// <summary>How long a batch may take to be acknowledged before it is sent again.</summary>
    public int DeliveryTimeoutMs { get; set; } = 10_000;

    /// <summary>How long a panel change waits for the other silos to acknowledge its new permission snapshot version
    /// (so that the next message sent through any silo is checked against it) before answering anyway.</summary>
    public int AnnouncementTimeoutMs { get; set; } = 2_000;

    /// <summary>How often a silo registers its gateway in the directory and refreshes its list of the others.</summary>
    public int DirectoryRefreshMs { get; set; } = 5_000;
}
