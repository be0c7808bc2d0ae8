namespace Circul.Storage.Tests;

/// <summary>A temporary SQLite file per test class.</summary>
public sealed class SqliteStorageFixture : StorageFixture
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "circul-storage-tests", Guid.NewGuid().ToString("N"));

    public override string Provider => "sqlite";

    protected override Task<string> CreateDatabaseAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.FromResult($"Data Source={Path.Combine(_directory, $"{Guid.NewGuid():N}.db")}");
    }

    protected override Task DropDatabasesAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }

        return Task.CompletedTask;
    }
}
