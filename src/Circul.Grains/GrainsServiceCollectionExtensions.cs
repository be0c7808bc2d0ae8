using Circul.Actors;
using Circul.Grains.Accounts;
using Circul.Grains.Conversations;
using Circul.Grains.Panels;
using Circul.Grains.Rooms;
using Circul.Grains.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Circul.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>Registers the actor runtime with every grain, and the services grains use. The host supplies
    /// <see cref="Events.IEventPublisher"/> and <see cref="Events.IGatewayControl"/>.</summary>
    public static IServiceCollection AddCirculGrains(this IServiceCollection services, Action<ActorRuntimeOptions>? configure = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SnowflakeIdGenerator>();
        services.AddSingleton<RoomMessagingFactory>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<PanelSnapshotCache>();
        services.AddOptions<PresenceOptions>().BindConfiguration("Circul:Presence");
        services.AddActorRuntime(configure)
            .AddGrain<IUserGrain, UserGrain>()
            .AddGrain<IConversationGrain, ConversationGrain>()
            .AddGrain<IPanelGrain, PanelGrain>()
            .AddGrain<IChannelGrain, ChannelGrain>();
        return services;
    }
}
