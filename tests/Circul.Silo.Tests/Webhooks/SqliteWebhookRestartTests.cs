namespace Circul.Silo.Tests.Webhooks;

public sealed class SqliteWebhookRestartTests(WebhookSiloFixture fixture) : WebhookRestartTests(fixture), IClassFixture<WebhookSiloFixture>;
