using Circul.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Circul.Silo.Tests.Webhooks;

/// <summary><see cref="WebhookSiloFixture"/> whose webhook store counts the per-room subscription queries.</summary>
public sealed class CountingWebhookSiloFixture : WebhookSiloFixture
{
    public CountingWebhookStore Store => Silo.Services.GetRequiredService<CountingWebhookStore>();

    protected override void ConfigureBuilder(WebApplicationBuilder builder)
    {
        // Registered before the storage layer's TryAdd, so this one wins; the real SQL store sits inside it.
        var sqlStore = typeof(IWebhookStore).Assembly.GetType("Circul.Storage.SqlWebhookStore", throwOnError: true)!;
        builder.Services.AddSingleton(sp => new CountingWebhookStore((IWebhookStore)ActivatorUtilities.CreateInstance(sp, sqlStore)));
        builder.Services.AddSingleton<IWebhookStore>(sp => sp.GetRequiredService<CountingWebhookStore>());
    }
}
