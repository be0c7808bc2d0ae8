using Npgsql;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>
/// A fresh database on the PostgreSQL server that <c>./scripts/test.sh</c> starts (its connection string is in
/// <c>CIRCUL_TEST_PG</c>). Without it the tests fail: a missing PostgreSQL must never look like a pass.
/// </summary>
public sealed class PostgresStorageProvisioner : IStorageProvisioner
{
    public const string MissingMessage = "CIRCUL_TEST_PG not set: run ./scripts/test.sh";

    public string Name => "postgres";

    public async Task<ProvisionedStorage> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable("CIRCUL_TEST_PG");
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException(MissingMessage);
        }

        var database = "circul_t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var target = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
        var settings = new Dictionary<string, string?>
        {
            ["Circul:Storage:Provider"] = "postgres",
            ["Circul:Storage:ConnectionString"] = target,
        };
        return new ProvisionedStorage(settings, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        });
    }
}
