using Circul.Actors.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Circul.Actors;

public static class ActorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the virtual-actor runtime: <see cref="IActorRuntime"/> and <see cref="IGrainFactory"/> singletons,
    /// the idle-collection hosted service (which also deactivates every grain on shutdown),
    /// <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is registered, and
    /// <see cref="MemoryGrainStorage"/> unless an <see cref="IGrainStorage"/> is registered.
    /// </summary>
    public static ActorRuntimeBuilder AddActorRuntime(this IServiceCollection services, Action<ActorRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddLogging();
        var options = services.AddOptions<ActorRuntimeOptions>()
            .Validate(o => o.IdleTimeout > TimeSpan.Zero, "ActorRuntimeOptions.IdleTimeout must be positive.")
            .Validate(o => o.CollectionInterval > TimeSpan.Zero, "ActorRuntimeOptions.CollectionInterval must be positive.");
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IGrainStorage, MemoryGrainStorage>();
        services.TryAddSingleton<ActorRuntime>();
        services.TryAddSingleton<IActorRuntime>(static sp => sp.GetRequiredService<ActorRuntime>());
        services.TryAddSingleton<IGrainFactory>(static sp => sp.GetRequiredService<ActorRuntime>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, IdleCollectionService>());
        return new ActorRuntimeBuilder(services);
    }
}
