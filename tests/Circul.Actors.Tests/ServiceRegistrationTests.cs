using Circul.Actors.Tests.Grains;
using Circul.Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Circul.Actors.Tests;

public sealed class ServiceRegistrationTests
{
    [Fact]
    public async Task AddActorRuntime_WithNothingElseRegistered_UsesMemoryStorageAndTheSystemClock()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new GrainProbe());
        services.AddActorRuntime().AddGrain<ICounterGrain, CounterGrain>();
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<MemoryGrainStorage>(provider.GetRequiredService<IGrainStorage>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.Equal(2, await provider.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>("c").AddAsync(2));
    }

    [Fact]
    public async Task AddActorRuntime_KeepsTheStorageAndClockAlreadyRegistered()
    {
        var storage = new MemoryGrainStorage();
        var clock = new ManualTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<IGrainStorage>(storage);
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(new GrainProbe());
        services.AddActorRuntime().AddGrain<ICounterGrain, CounterGrain>();
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>("c").AddAsync(2);

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
        Assert.NotNull(await storage.ReadAsync(nameof(CounterGrain), "c", CancellationToken.None));
    }

    [Fact]
    public async Task GrainFactory_AndActorRuntime_AreOneSingleton()
    {
        var services = new ServiceCollection();
        services.AddActorRuntime();
        await using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredService<IActorRuntime>(), provider.GetRequiredService<IGrainFactory>());
    }

    [Fact]
    public async Task AddActorRuntime_AppliesTheConfiguredOptions_AndRejectsANonPositiveIdleTimeout()
    {
        var services = new ServiceCollection();
        services.AddActorRuntime(options => options.IdleTimeout = TimeSpan.Zero);
        await using var provider = services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IActorRuntime>());
    }
}
