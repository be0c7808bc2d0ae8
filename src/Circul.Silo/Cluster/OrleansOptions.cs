namespace Circul.Silo.Cluster;

/// <summary><c>Circul:Orleans</c>: the co-hosted Orleans silo.</summary>
public sealed class OrleansOptions
{
    public const string SectionName = "Circul:Orleans";

    /// <summary>Silo-to-silo port. 0 picks a free loopback port (tests, or several silos started by a script).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client gateway port (for separate client processes). 0 picks a free port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary><c>localhost</c> (one silo, no database) or <c>adonet</c> (membership in PostgreSQL, any number of
    /// silos). Unset: <c>adonet</c> when <c>Circul:Storage:Provider</c> is <c>postgres</c>, else <c>localhost</c>.</summary>
    public string? Clustering { get; set; }

    /// <summary>The address other silos reach this one at (ADO.NET clustering).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>How long a silo waits for a probe's answer before counting it missed.</summary>
    public int ProbeTimeoutMs { get; set; } = 1000;

    /// <summary>Missed probes after which a silo is suspected; with enough votes it is declared dead.</summary>
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>Membership rows of silos dead for this long are deleted (the defunct-silo clean-up).</summary>
    public int DefunctSiloExpirationMinutes { get; set; } = 60;

    public string ClusterId { get; set; } = "circul";

    public string ServiceId { get; set; } = "circul";

    /// <summary>Grains idle this long are deactivated (Orleans' <c>GrainCollectionOptions.CollectionAge</c>); it replaces
    /// the pre-Orleans idle timeout key (see the README).</summary>
    public int CollectionAgeSeconds { get; set; } = 600;
}
