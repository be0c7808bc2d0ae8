using Npgsql;

namespace Circul.Storage.Tests;

/// <summary>A fresh database per test class on the PostgreSQL server named by <c>CIRCUL_TEST_PG</c>.</summary>
public sealed class PostgresStorageFixture : StorageFixture
{
    public const string EnvironmentVariable = "CIRCUL_TEST_PG";

    private readonly List<string> _databases = [];
    private string? _adminConnectionString;

    public override string Provider => "postgres";

    /// <summary>The server's connection string; fails (never skips) when it is not set.</summary>
    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{EnvironmentVariable} not set: run ./scripts/test.sh");

    protected override async Task<string> CreateDatabaseAsync()
    {
        _adminConnectionString ??= AdminConnectionString;
        var database = $"circul_s_{Guid.NewGuid():N}"[..26];
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await command.ExecuteNonQueryAsync();
        }

        _databases.Add(database);
        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = database }.ConnectionString;
    }

    protected override async Task DropDatabasesAsync()
    {
        if (_adminConnectionString is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        foreach (var database in _databases)
        {
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
