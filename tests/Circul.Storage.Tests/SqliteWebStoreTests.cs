namespace Circul.Storage.Tests;

public sealed class SqliteWebStoreTests(SqliteStorageFixture fixture) : WebStoreTests(fixture), IClassFixture<SqliteStorageFixture>;
