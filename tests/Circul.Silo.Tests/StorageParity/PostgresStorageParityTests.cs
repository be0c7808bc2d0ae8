namespace Circul.Silo.Tests.StorageParity;

/// <summary>Needs <c>CIRCUL_TEST_PG</c> (set by ./scripts/test.sh); without it every test fails, never passes.</summary>
public sealed class PostgresStorageParityTests(PostgresSiloFixture fixture) : StorageParityTests(fixture), IClassFixture<PostgresSiloFixture>
{
}
