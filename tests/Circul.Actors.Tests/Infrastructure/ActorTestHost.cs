using Circul.Actors.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Circul.Actors.Tests.Infrastructure;

/// <summary>A service provider with the actor runtime, all test grains, a manual clock and in-memory storage.</summary>
public sealed class ActorTestHost : IAsyncDisposable
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan CollectionInterval = TimeSpan.FromMinutes(1);

    private ActorTestHost(ServiceProvider provider)
    {
        Provider = provider;
        Runtime = provider.GetRequiredService<IActorRuntime>();
        Storage = (MemoryGrainStorage)provider.GetRequiredService<IGrainStorage>();
        Time = (ManualTimeProvider)provider.GetRequiredService<TimeProvider>();
        Probe = provider.GetRequiredService<GrainProbe>();
    }

    public ServiceProvider Provider { get; }

    public IActorRuntime Runtime { get; }

    public MemoryGrainStorage Storage { get; }

    public ManualTimeProvider Time { get; }

    public GrainProbe Probe { get; }

    public static ActorTestHost Create()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new ManualTimeProvider());
        services.AddSingleton<IGrainStorage>(new MemoryGrainStorage());
        services.AddSingleton(new GrainProbe());
        services.AddSingleton(new GreetingFormatter("Hello"));
        services.AddActorRuntime(options =>
            {
                options.IdleTimeout = IdleTimeout;
                options.CollectionInterval = CollectionInterval;
            })
            .AddGrain<IRecorderGrain, RecorderGrain>()
            .AddGrain<IBlockingGrain, BlockingGrain>()
            .AddGrain<ICounterGrain, CounterGrain>()
            .AddGrain<IFlakyGrain, FlakyGrain>()
            .AddGrain<IGreeterGrain, GreeterGrain>()
            .AddGrain<IFrontGrain, FrontGrain>();
        return new ActorTestHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
    }

    public TGrain Grain<TGrain>(string key)
        where TGrain : IGrainWithStringKey => Runtime.GetGrain<TGrain>(key);

    public async ValueTask DisposeAsync()
    {
        Probe.Signal("release");
        Probe.Signal("release-deactivation");
        await Runtime.DeactivateAllAsync(CancellationToken.None).WithTimeout("all grains deactivated at the end of the test");
        await Provider.DisposeAsync();
    }
}
