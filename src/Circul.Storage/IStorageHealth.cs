namespace Circul.Storage;

/// <summary>Readiness and the silo's own row.</summary>
public interface IStorageHealth
{
    /// <summary>True when the database answers a trivial query within the timeout.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);

    /// <summary>Registers this silo in the <c>silos</c> table and returns its number (0..1023), unique among the
    /// silos registered; numbers of silos whose heartbeat is older than 10 minutes may be reused.</summary>
    Task<int> RegisterSiloAsync(string address, CancellationToken cancellationToken = default);

    /// <summary>Refreshes this silo's heartbeat.</summary>
    Task HeartbeatSiloAsync(int siloNumber, CancellationToken cancellationToken = default);
}
