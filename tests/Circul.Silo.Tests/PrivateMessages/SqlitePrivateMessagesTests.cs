namespace Circul.Silo.Tests.PrivateMessages;

public sealed class SqlitePrivateMessagesTests(SqliteSiloFixture fixture) : PrivateMessagesTests(fixture), IClassFixture<SqliteSiloFixture>
{
}
