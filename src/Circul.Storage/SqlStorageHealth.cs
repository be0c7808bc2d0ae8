using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Circul.Storage;

/// <summary><see cref="IStorageHealth"/> over ADO.NET (both dialects).</summary>
internal sealed class SqlStorageHealth(SqlDialect dialect, TimeProvider timeProvider, ILogger<SqlStorageHealth>? logger = null) : IStorageHealth
{
    /// <summary>Silo numbers fit the 10 bits a Snowflake id gives them.</summary>
    internal const int MaxSilos = 1024;

    internal static readonly TimeSpan DeadAfter = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(5);

    // An arbitrary constant naming the silo-registration lock ("Circul" + "Silo").
    private const long SiloLockKey = 0x43697263756C53;

    private readonly ILogger _logger = logger ?? NullLogger<SqlStorageHealth>.Instance;

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PingTimeout);
        try
        {
            await using var connection = await dialect.OpenReadConnectionAsync(timeout.Token).ConfigureAwait(false);
            await using var command = connection.CreateCommand("SELECT 1");
            command.CommandTimeout = (int)PingTimeout.TotalSeconds;
            await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.PingFailed(ex, dialect.Name);
            return false;
        }
    }

    public async Task<int> RegisterSiloAsync(string address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = timeProvider.GetUtcNow();
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (dialect.TransactionLockSql is { } lockSql)
        {
            await using var lockCommand = connection.CreateCommand(lockSql, transaction);
            lockCommand.AddInt64("lock_key", SiloLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var taken = new HashSet<int>();
        await using (var live = connection.CreateCommand("SELECT silo_number FROM silos WHERE heartbeat_at >= @alive_since", transaction))
        {
            live.AddTimestamp(dialect, "alive_since", now - DeadAfter);
            await using var reader = await live.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                taken.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        var number = Enumerable.Range(0, MaxSilos).FirstOrDefault(n => !taken.Contains(n), -1);
        if (number < 0)
        {
            throw new InvalidOperationException($"All {MaxSilos} silo numbers are held by live silos.");
        }

        await using (var claim = connection.CreateCommand(
            """
            INSERT INTO silos (silo_number, address, started_at, heartbeat_at) VALUES (@silo_number, @address, @now, @now)
            ON CONFLICT (silo_number) DO UPDATE SET
                address = excluded.address, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at
            """,
            transaction))
        {
            claim.AddInt32("silo_number", number);
            claim.AddText("address", address);
            claim.AddTimestamp(dialect, "now", now);
            await claim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _logger.SiloRegistered(number, address);
        return number;
    }

    public async Task HeartbeatSiloAsync(int siloNumber, CancellationToken cancellationToken = default)
    {
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand("UPDATE silos SET heartbeat_at = @now WHERE silo_number = @silo_number");
        command.AddTimestamp(dialect, "now", timeProvider.GetUtcNow());
        command.AddInt32("silo_number", siloNumber);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
