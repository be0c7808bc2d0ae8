namespace Circul.Storage.Tests;

public sealed class PostgresStorageTests(PostgresStorageFixture fixture) : StorageTests(fixture), IClassFixture<PostgresStorageFixture>;
