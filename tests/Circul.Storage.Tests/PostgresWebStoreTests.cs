namespace Circul.Storage.Tests;

public sealed class PostgresWebStoreTests(PostgresStorageFixture fixture) : WebStoreTests(fixture), IClassFixture<PostgresStorageFixture>;
