using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Circul.Storage.Tests;

public sealed class StorageServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "circul-storage-tests", Guid.NewGuid().ToString("N"));

    public StorageServiceCollectionExtensionsTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    [Fact]
    public void AddCirculStorage_PutsTheMigratorBeforeEveryOtherHostedService()
    {
        var services = new ServiceCollection();
        services.AddHostedService<SchemaProbe>();

        services.AddCirculStorage();

        var hosted = services.Where(d => d.ServiceType == typeof(IHostedService)).ToList();
        Assert.Equal(typeof(StorageMigrationHostedService), hosted[0].ImplementationType);
        Assert.Equal(3, hosted.Count);
    }

    [Fact]
    public void AddCirculStorage_RegistersTheSqlGrainStateStoreOnce_AndIsIdempotent()
    {
        var services = new ServiceCollection();

        services.AddCirculStorage();
        services.AddCirculStorage();

        var grainStorage = Assert.Single(services, d => d.ServiceType == typeof(IGrainStateStore));
        Assert.Equal(typeof(SqlGrainStorage), grainStorage.ImplementationType);
        Assert.Single(services, d => d.ImplementationType == typeof(StorageMigrationHostedService));
    }

    [Fact]
    public void StorageOptions_WithAnUnknownProvider_FailValidation()
    {
        using var services = BuildServices(new() { ["Circul:Storage:Provider"] = "mysql" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);
        Assert.Contains("sqlite' or 'postgres", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageOptions_BindFromCirculStorage()
    {
        using var services = BuildServices(new()
        {
            ["Circul:Storage:Provider"] = "Postgres",
            ["Circul:Storage:ConnectionString"] = "Host=localhost",
            ["Circul:Storage:BatchWindowMs"] = "3",
            ["Circul:Storage:MaxBatchSize"] = "17",
        });

        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        Assert.Equal(("Postgres", "Host=localhost", 3, 17), (options.Provider, options.ConnectionString, options.BatchWindowMs, options.MaxBatchSize));
    }

    [Fact]
    public async Task Host_MigratesTheSchemaBeforeAnyOtherHostedServiceStarts()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Circul:Storage:Provider"] = "sqlite",
            ["Circul:Storage:ConnectionString"] = $"Data Source={Path.Combine(_directory, "host.db")}",
        });
        builder.Services.AddSingleton<SchemaProbe>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SchemaProbe>());
        builder.Services.AddCirculStorage();

        using var host = builder.Build();
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<IDurableWriter>();
        await writer.SubmitAsync(new InsertMessageOp(TestData.Message("m1", "room", "alice"), null));
        await host.StopAsync();

        Assert.True(host.Services.GetRequiredService<SchemaProbe>().SawSchema);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.SubmitAsync(new InsertMessageOp(TestData.Message("m2", "room", "alice"), null)));
    }

    private static ServiceProvider BuildServices(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddCirculStorage();
        return services.BuildServiceProvider();
    }

    /// <summary>A hosted service registered before storage that reads a table when it starts.</summary>
    private sealed class SchemaProbe(IServiceProvider services) : IHostedService
    {
        public bool SawSchema { get; private set; }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await services.GetRequiredService<IUserStore>().GetUserAsync("nobody", cancellationToken);
            SawSchema = true;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
