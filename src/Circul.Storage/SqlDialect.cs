using System.Data;
using System.Data.Common;
using Circul.Storage.Postgres;
using Circul.Storage.Sqlite;

namespace Circul.Storage;

/// <summary>What differs between the two databases: opening connections, parameter types of timestamps and
/// lists, unique-violation detection, and a few SQL fragments. Everything else (the SQL of every store
/// method) is written once against ADO.NET and shared by both.</summary>
public abstract class SqlDialect : IAsyncDisposable
{
    private protected SqlDialect()
    {
    }

    /// <summary>The provider name as configured: <c>sqlite</c> or <c>postgres</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Where the database is, for log lines: <c>host:port</c> and database, or the SQLite file. Never the
    /// password.</summary>
    internal abstract string Target { get; }

    /// <summary>The configured password, only so that log lines can mask it; null when there is none.</summary>
    internal virtual string? Password => null;

    /// <summary>The folder under <c>Migrations/</c> that holds this dialect's scripts.</summary>
    internal abstract string MigrationFolder { get; }

    /// <summary>DDL of the <c>schema_version</c> table (created before any script runs).</summary>
    internal abstract string SchemaVersionDdl { get; }

    /// <summary>A statement taking a lock held until the end of the current transaction, so that two processes
    /// doing the same start-up work serialise (<c>@lock_key</c> is bound to a bigint); null when the database
    /// already serialises writers.</summary>
    internal abstract string? TransactionLockSql { get; }

    /// <summary>The column that orders rows of <c>conversation_members</c> and <c>reactions</c> by insertion
    /// when their timestamps tie.</summary>
    internal abstract string InsertionOrderColumn { get; }

    /// <summary>A connection for reads (pooled), opened.</summary>
    internal abstract ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken);

    /// <summary>A connection for writes, opened. On SQLite this is the one writer connection, held exclusively
    /// until the lease is disposed; on PostgreSQL a pooled connection.</summary>
    internal abstract ValueTask<WriteConnectionLease> AcquireWriteConnectionAsync(CancellationToken cancellationToken);

    /// <summary>True when <paramref name="exception"/> is a unique (or primary key) violation.</summary>
    internal abstract bool IsUniqueViolation(Exception exception);

    /// <summary>True when <paramref name="exception"/> is a unique violation naming <paramref name="columnOrIndex"/>
    /// (the index name on PostgreSQL, the column in SQLite's message).</summary>
    internal abstract bool IsUniqueViolationOn(Exception exception, string columnOrIndex);

    /// <summary>The parameter value and type a timestamp is stored as (millisecond precision, UTC).</summary>
    internal abstract (object Value, DbType Type) ToDbTimestamp(DateTimeOffset value);

    internal abstract DateTimeOffset GetTimestamp(DbDataReader reader, int ordinal);

    /// <summary>Binds a list of strings as one parameter, for use with <see cref="InList"/>.</summary>
    internal abstract void AddStringList(DbCommand command, string name, IReadOnlyCollection<string> values);

    /// <summary>A predicate "<paramref name="column"/> is one of the values of list parameter
    /// <paramref name="parameter"/>" (bound with <see cref="AddStringList"/>).</summary>
    internal abstract string InList(string column, string parameter);

    internal DateTimeOffset? GetNullableTimestamp(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : GetTimestamp(reader, ordinal);

    /// <summary>Creates the dialect of <paramref name="options"/>.</summary>
    public static SqlDialect Create(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider.ToLowerInvariant() switch
        {
            SqliteDialect.ProviderName => new SqliteDialect(options.ConnectionString),
            PostgresDialect.ProviderName => new PostgresDialect(options.ConnectionString),
            _ => throw new ArgumentException($"Unknown storage provider '{options.Provider}': expected sqlite or postgres.", nameof(options)),
        };
    }

    public abstract ValueTask DisposeAsync();

    /// <summary>Milliseconds since the Unix epoch: the precision every timestamp is stored with.</summary>
    internal static DateTimeOffset TruncateToMilliseconds(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());
}
