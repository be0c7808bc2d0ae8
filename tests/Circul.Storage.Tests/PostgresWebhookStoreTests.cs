namespace Circul.Storage.Tests;

public sealed class PostgresWebhookStoreTests(PostgresStorageFixture fixture) : WebhookStoreTests(fixture), IClassFixture<PostgresStorageFixture>;
