namespace Circul.Silo.Tests.PrivateMessages;

/// <summary>Needs <c>CIRCUL_TEST_PG</c> (set by ./scripts/test.sh); without it every test fails, never passes.</summary>
public sealed class PostgresPrivateMessagesTests(PostgresSiloFixture fixture) : PrivateMessagesTests(fixture), IClassFixture<PostgresSiloFixture>
{
}
