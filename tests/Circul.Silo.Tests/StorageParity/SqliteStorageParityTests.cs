namespace Circul.Silo.Tests.StorageParity;

public sealed class SqliteStorageParityTests(SqliteSiloFixture fixture) : StorageParityTests(fixture), IClassFixture<SqliteSiloFixture>
{
}
