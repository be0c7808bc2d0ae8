namespace Circul.Storage.Tests;

public sealed class SqliteWebhookStoreTests(SqliteStorageFixture fixture) : WebhookStoreTests(fixture), IClassFixture<SqliteStorageFixture>;
