using Circul.Actors.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Circul.Actors;

/// <summary>Registers grain classes with the runtime added by <see cref="ActorServiceCollectionExtensions.AddActorRuntime"/>.</summary>
public sealed class ActorRuntimeBuilder
{
    internal ActorRuntimeBuilder(IServiceCollection services) => Services = services;

    public IServiceCollection Services { get; }

    /// <summary>Makes <typeparamref name="TGrain"/> the implementation of <typeparamref name="TGrainInterface"/>.</summary>
    public ActorRuntimeBuilder AddGrain<TGrainInterface, TGrain>()
        where TGrainInterface : IGrainWithStringKey
        where TGrain : Grain, TGrainInterface
    {
        Services.AddSingleton(new GrainRegistration(typeof(TGrainInterface), typeof(TGrain)));
        return this;
    }
}
