using Circul.Grains.Accounts;
using Circul.Grains.Hosting;
using Circul.Grains.Panels;
using Circul.Grains.Rooms;
using Circul.Grains.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans;
using Orleans.Storage;

namespace Circul.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>Registers the services grains use and the grain storage provider. Orleans finds the grains themselves
    /// in this assembly; the host supplies <see cref="Events.IEventPublisher"/> and <see cref="Events.IGatewayControl"/>.</summary>
    public static IServiceCollection AddCirculGrains(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SnowflakeIdGenerator>();
        services.AddSingleton<RoomMessagingFactory>();
        services.AddSingleton<Webhooks.WebhookDeliverySignal>();
        services.AddSingleton<Webhooks.ApiKeyService>();
        services.AddSingleton<Webhooks.WebhookBotService>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<PanelSnapshotCache>();
        services.AddSingleton<PanelSnapshotSource>();
        services.AddOptions<PresenceOptions>().BindConfiguration("Circul:Presence");
        services.AddKeyedSingleton<IGrainStorage>(CirculGrainStorage.ProviderName, (sp, _) => ActivatorUtilities.CreateInstance<CirculGrainStorage>(sp));
        services.AddSingleton<IIncomingGrainCallFilter, GrainErrorFilter>();
        services.AddSingleton<IIncomingGrainCallFilter, SnapshotAnnouncementFilter>();
        return services;
    }
}
