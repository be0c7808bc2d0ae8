namespace Circul.Storage.Tests;

public sealed class SqliteStorageTests(SqliteStorageFixture fixture) : StorageTests(fixture), IClassFixture<SqliteStorageFixture>;
