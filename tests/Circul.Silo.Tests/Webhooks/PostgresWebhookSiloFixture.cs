namespace Circul.Silo.Tests.Webhooks;

/// <summary><see cref="WebhookSiloFixture"/> on a fresh PostgreSQL database (fails without <c>CIRCUL_TEST_PG</c>).</summary>
public sealed class PostgresWebhookSiloFixture : WebhookSiloFixture
{
    protected override IStorageProvisioner Storage { get; } = new PostgresStorageProvisioner();
}
