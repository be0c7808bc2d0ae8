using System.Data;
using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Circul.Storage.Sqlite;

/// <summary>SQLite through Microsoft.Data.Sqlite: one file, good for one silo.</summary>
/// <remarks>
/// <para>All writes share ONE connection (held exclusively through <see cref="AcquireWriteConnectionAsync"/>),
/// so writers queue in-process instead of spinning on SQLITE_BUSY; reads use pooled connections and, thanks to
/// WAL, never wait for the writer.</para>
/// <para>Durability: the database runs in WAL mode with <c>synchronous=FULL</c>: every commit fsyncs the WAL before
/// COMMIT returns, so an acknowledged write (a 201) survives a process crash, an operating-system crash and a power
/// loss. The cost is one fsync per commit, which the batching writer amortises over every write in the batch.</para>
/// <para>The writer sets <c>busy_timeout</c> to 5000 ms and read connections use a 5 s command timeout, for the rare
/// case another process (a backup, the sqlite3 shell) holds the lock.</para>
/// </remarks>
public sealed class SqliteDialect : SqlDialect
{
    internal const string ProviderName = "sqlite";

    private const string WriterPragmas = "PRAGMA busy_timeout=5000; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";

    private readonly string _readConnectionString;
    private readonly string _writeConnectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Func<DbConnection, ValueTask> _releaseWriter;
    private SqliteConnection? _writer;
    private bool _disposed;

    internal SqliteDialect(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:")
        {
            throw new ArgumentException("SQLite storage needs a database file (Data Source=<path>); in-memory databases are not supported.");
        }

        // Reads wait for a lock through the provider's own busy retry (Default Timeout), so opening a pooled read
        // connection runs no extra statement; in WAL mode readers rarely wait at all.
        var read = new SqliteConnectionStringBuilder(builder.ConnectionString) { Pooling = true, DefaultTimeout = 5 };
        var write = new SqliteConnectionStringBuilder(builder.ConnectionString) { Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate };
        Target = $"file {builder.DataSource}";
        _readConnectionString = read.ConnectionString;
        _writeConnectionString = write.ConnectionString;
        _releaseWriter = _ =>
        {
            _writeGate.Release();
            return ValueTask.CompletedTask;
        };
    }

    public override string Name => ProviderName;

    internal override string Target { get; }

    internal override string MigrationFolder => "Sqlite";

    internal override string SchemaVersionDdl =>
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)";

    internal override string? TransactionLockSql => null;

    internal override string InsertionOrderColumn => "rowid";

    internal override async ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal override async ValueTask<WriteConnectionLease> AcquireWriteConnectionAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writer is not { State: ConnectionState.Open })
            {
                if (_writer is not null)
                {
                    await _writer.DisposeAsync().ConfigureAwait(false);
                    _writer = null;
                }

                var connection = new SqliteConnection(_writeConnectionString);
                try
                {
                    await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                    await using var command = connection.CreateCommand();
                    command.CommandText = WriterPragmas;
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                _writer = connection;
            }

            return new WriteConnectionLease(_writer, _releaseWriter);
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    // 2067 = SQLITE_CONSTRAINT_UNIQUE, 1555 = SQLITE_CONSTRAINT_PRIMARYKEY (both have primary code 19).
    internal override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    internal override bool IsUniqueViolationOn(Exception exception, string columnOrIndex) =>
        IsUniqueViolation(exception) && exception.Message.Contains(columnOrIndex, StringComparison.Ordinal);

    internal override (object Value, DbType Type) ToDbTimestamp(DateTimeOffset value) =>
        (value.ToUnixTimeMilliseconds(), DbType.Int64);

    internal override DateTimeOffset GetTimestamp(DbDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    internal override void AddStringList(DbCommand command, string name, IReadOnlyCollection<string> values)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = DbType.String;
        parameter.Value = JsonSerializer.Serialize(values);
        command.Parameters.Add(parameter);
    }

    internal override string InList(string column, string parameter) =>
        $"{column} IN (SELECT value FROM json_each({parameter}))";

    public override async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_writer is not null)
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
                _writer = null;
            }

            using var pooled = new SqliteConnection(_readConnectionString);
            SqliteConnection.ClearPool(pooled);
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
