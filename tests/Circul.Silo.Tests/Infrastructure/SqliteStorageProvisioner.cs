namespace Circul.Silo.Tests.Infrastructure;

/// <summary>A fresh SQLite file in its own temp directory.</summary>
public sealed class SqliteStorageProvisioner : IStorageProvisioner
{
    public string Name => "sqlite";

    public Task<ProvisionedStorage> CreateAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "circul-silo-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var settings = new Dictionary<string, string?>
        {
            ["Circul:Storage:Provider"] = "sqlite",
            ["Circul:Storage:ConnectionString"] = $"Data Source={Path.Combine(dir, "circul.db")}",
        };
        return Task.FromResult(new ProvisionedStorage(settings, () =>
        {
            Directory.Delete(dir, recursive: true);
            return Task.CompletedTask;
        }));
    }
}
