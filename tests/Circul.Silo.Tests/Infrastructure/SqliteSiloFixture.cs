namespace Circul.Silo.Tests.Infrastructure;

/// <summary>The main suite's silo: SQLite, default limits, REST rate limits off.</summary>
public sealed class SqliteSiloFixture : SiloFixture
{
}
