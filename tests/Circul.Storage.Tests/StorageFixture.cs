using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Circul.Storage.Tests;

/// <summary>A migrated database of one provider and the storage services on it, shared by one test class.</summary>
public abstract class StorageFixture : IAsyncLifetime
{
    private ServiceProvider? _services;

    public abstract string Provider { get; }

    public ManualTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("The fixture did not start.");

    internal SqlDialect Dialect => Services.GetRequiredService<SqlDialect>();

    public StorageMigrator Migrator => Services.GetRequiredService<StorageMigrator>();

    public BatchingDurableWriter Writer => Services.GetRequiredService<BatchingDurableWriter>();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>The connection string of the fixture's (migrated) database.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>A further, empty database (dropped with the fixture).</summary>
    public Task<string> CreateScratchDatabaseAsync() => CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        var connectionString = await CreateDatabaseAsync();
        ConnectionString = connectionString;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Circul:Storage:Provider"] = Provider,
                ["Circul:Storage:ConnectionString"] = connectionString,
                ["Circul:Storage:BatchWindowMs"] = "2",
                ["Circul:Storage:MaxBatchSize"] = "256",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddCirculStorage();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await Migrator.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await DropDatabasesAsync();
    }

    /// <summary>Runs a query on a read connection and returns the first column of the first row.</summary>
    internal async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await Dialect.OpenReadConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    /// <summary>Runs a query on a read connection and returns the first column of every row.</summary>
    internal async Task<List<object>> ColumnAsync(string sql)
    {
        await using var connection = await Dialect.OpenReadConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<object>();
        await using DbDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetValue(0));
        }

        return values;
    }

    /// <summary>Creates an empty database; returns its connection string.</summary>
    protected abstract Task<string> CreateDatabaseAsync();

    /// <summary>Drops every database <see cref="CreateDatabaseAsync"/> created.</summary>
    protected abstract Task DropDatabasesAsync();
}
