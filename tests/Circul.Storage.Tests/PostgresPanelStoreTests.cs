namespace Circul.Storage.Tests;

public sealed class PostgresPanelStoreTests(PostgresStorageFixture fixture) : PanelStoreTests(fixture), IClassFixture<PostgresStorageFixture>;
