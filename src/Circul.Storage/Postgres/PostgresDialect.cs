using System.Data;
using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Circul.Storage.Postgres;

/// <summary>PostgreSQL through Npgsql (one <see cref="NpgsqlDataSource"/> per silo): needed for more than one silo.</summary>
public sealed class PostgresDialect : SqlDialect
{
    internal const string ProviderName = "postgres";

    private static readonly Func<DbConnection, ValueTask> ReleasePooled = static connection => connection.DisposeAsync();

    internal PostgresDialect(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // Every statement of the stores is repeated with different parameters: let Npgsql prepare them once per
        // physical connection unless the operator chose otherwise.
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        }

        var settings = builder.ConnectionStringBuilder;
        Target = $"{settings.Host}:{settings.Port}, database {settings.Database ?? settings.Username ?? "(default)"}";
        Password = settings.Password;
        DataSource = builder.Build();
    }

    /// <summary>The silo's pooled data source (shared with whoever else needs PostgreSQL, e.g. LISTEN/NOTIFY).</summary>
    public NpgsqlDataSource DataSource { get; }

    public override string Name => ProviderName;

    internal override string Target { get; }

    internal override string? Password { get; }

    internal override string MigrationFolder => "Postgres";

    internal override string SchemaVersionDdl =>
        "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL)";

    internal override string? TransactionLockSql => "SELECT pg_advisory_xact_lock(@lock_key)";

    internal override string InsertionOrderColumn => "seq";

    internal override async ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken) =>
        await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    internal override async ValueTask<WriteConnectionLease> AcquireWriteConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return new WriteConnectionLease(connection, ReleasePooled);
    }

    internal override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    internal override bool IsUniqueViolationOn(Exception exception, string columnOrIndex) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres
        && (postgres.ConstraintName?.Contains(columnOrIndex, StringComparison.Ordinal) ?? false);

    internal override (object Value, DbType Type) ToDbTimestamp(DateTimeOffset value) =>
        (TruncateToMilliseconds(value), DbType.DateTimeOffset);

    internal override DateTimeOffset GetTimestamp(DbDataReader reader, int ordinal) =>
        reader.GetFieldValue<DateTimeOffset>(ordinal);

    internal override void AddStringList(DbCommand command, string name, IReadOnlyCollection<string> values)
    {
        var parameter = new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() };
        command.Parameters.Add(parameter);
    }

    internal override string InList(string column, string parameter) => $"{column} = ANY({parameter})";

    public override ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
