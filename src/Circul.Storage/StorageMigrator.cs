using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Circul.Storage;

/// <summary>Creates and upgrades the schema: applies the embedded scripts newer than the database's
/// <c>schema_version</c>, in order, in one transaction. Safe to run from several silos at once (PostgreSQL: an
/// advisory transaction lock; SQLite: the write lock of <c>BEGIN IMMEDIATE</c>).</summary>
public sealed class StorageMigrator
{
    // An arbitrary constant naming the migration lock ("Circul" + "Mig").
    private const long MigrationLockKey = 0x43697263756C4D;

    private readonly SqlDialect _dialect;
    private readonly ILogger _logger;

    public StorageMigrator(SqlDialect dialect, ILogger<StorageMigrator>? logger = null)
    {
        _dialect = dialect;
        _logger = logger ?? NullLogger<StorageMigrator>.Instance;
    }

    /// <summary>Applies the missing scripts; returns how many were applied (0 when up to date).</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var scripts = LoadScripts(_dialect.MigrationFolder);
        await using var lease = await _dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        if (_dialect.TransactionLockSql is { } lockSql)
        {
            await using var lockCommand = connection.CreateCommand(lockSql, transaction);
            lockCommand.AddInt64("lock_key", MigrationLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var ddl = connection.CreateCommand(_dialect.SchemaVersionDdl, transaction))
        {
            await ddl.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var applied = await ReadAppliedVersionsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var count = 0;
        foreach (var script in scripts)
        {
            if (applied.Contains(script.Version))
            {
                continue;
            }

            await using (var run = connection.CreateCommand(script.Sql, transaction))
            {
                await run.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var record = connection.CreateCommand(
                "INSERT INTO schema_version (version, applied_at) VALUES (@version, @applied_at)", transaction);
            record.AddInt32("version", script.Version);
            record.AddTimestamp(_dialect, "applied_at", DateTimeOffset.UtcNow);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            applied.Add(script.Version);
            count++;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        var known = scripts.Count == 0 ? 0 : scripts[^1].Version;
        var current = applied.Count == 0 ? 0 : applied.Max();
        if (current > known)
        {
            _logger.SchemaNewerThanBuild(_dialect.Name, current, known);
        }

        if (count > 0)
        {
            _logger.MigrationsApplied(_dialect.Name, count, current);
        }
        else
        {
            _logger.SchemaUpToDate(_dialect.Name, current);
        }

        return count;
    }

    private static async Task<HashSet<int>> ReadAppliedVersionsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var versions = new HashSet<int>();
        await using var command = connection.CreateCommand("SELECT version FROM schema_version", transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions.Add(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture));
        }

        return versions;
    }

    /// <summary>The embedded scripts of a dialect folder, ordered by version.</summary>
    internal static IReadOnlyList<MigrationScript> LoadScripts(string folder)
    {
        var assembly = typeof(StorageMigrator).Assembly;
        var marker = $".Migrations.{folder}.";
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var at = resource.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0 || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = resource[(at + marker.Length)..];
            var digits = fileName.TakeWhile(char.IsAsciiDigit).Count();
            if (digits == 0)
            {
                throw new InvalidOperationException($"Migration script '{fileName}' does not start with its version number.");
            }

            var version = int.Parse(fileName.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture);
            scripts.Add(new MigrationScript(version, fileName, ReadResource(assembly, resource)));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException($"Two migration scripts have version {scripts[i].Version}: {scripts[i - 1].Name}, {scripts[i].Name}.");
            }
        }

        return scripts;
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource '{name}' not found.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
