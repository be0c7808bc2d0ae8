namespace Circul.Silo.Tests.Webhooks;

public sealed class PostgresWebhookRestartTests(PostgresWebhookSiloFixture fixture) : WebhookRestartTests(fixture), IClassFixture<PostgresWebhookSiloFixture>;
