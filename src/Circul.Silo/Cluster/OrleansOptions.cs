namespace Circul.Silo.Cluster;

/// <summary><c>Circul:Orleans</c>: the co-hosted Orleans silo.</summary>
public sealed class OrleansOptions
{
    public const string SectionName = "Circul:Orleans";

    /// <summary>Silo-to-silo port. 0 picks a free loopback port (tests, or several silos started by a script).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client gateway port (for separate client processes). 0 picks a free port.</summary>
    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "circul";

    public string ServiceId { get; set; } = "circul";

    /// <summary>Grains idle this long are deactivated (Orleans' <c>GrainCollectionOptions.CollectionAge</c>); it replaces
    /// the pre-Orleans idle timeout key (see the README).</summary>
    public int CollectionAgeSeconds { get; set; } = 600;
}
