namespace Circul.Silo.Tests.Infrastructure;

/// <summary>The same silo on a fresh PostgreSQL database (fails without <c>CIRCUL_TEST_PG</c>).</summary>
public sealed class PostgresSiloFixture : SiloFixture
{
    protected override IStorageProvisioner Storage { get; } = new PostgresStorageProvisioner();
}
