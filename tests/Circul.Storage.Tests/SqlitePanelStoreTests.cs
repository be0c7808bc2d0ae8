namespace Circul.Storage.Tests;

public sealed class SqlitePanelStoreTests(SqliteStorageFixture fixture) : PanelStoreTests(fixture), IClassFixture<SqliteStorageFixture>;
