using Circul.Actors.Tests.Grains;
using Circul.Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Circul.Actors.Tests;

public sealed class DeactivationTests
{
    private static readonly TimeSpan IdleTimeout = ActorTestHost.IdleTimeout;

    [Fact]
    public async Task IdleActivation_IsDeactivated_AndReactivatesWithItsPersistedState()
    {
        await using var host = ActorTestHost.Create();
        var counter = host.Grain<ICounterGrain>("c");
        await counter.AddAsync(5);

        host.Time.Advance(IdleTimeout - TimeSpan.FromSeconds(1));
        await host.Runtime.CollectIdleAsync().WithTimeout("a collection pass that finds nothing idle");
        Assert.Equal(1, host.Runtime.ActivationCount);
        Assert.Equal(0, host.Probe.Count("deactivate:c"));

        host.Time.Advance(TimeSpan.FromSeconds(2));
        await host.Runtime.CollectIdleAsync().WithTimeout("the idle counter to be deactivated");
        Assert.Equal(0, host.Runtime.ActivationCount);
        Assert.Equal(1, host.Probe.Count("deactivate:c"));

        Assert.Equal(5, await counter.GetAsync());
        Assert.Equal(2, host.Probe.Count("activate:c"));
        Assert.Equal(1, host.Runtime.ActivationCount);
        Assert.Equal(2, host.Runtime.TotalActivations);
        Assert.Equal(["activate count=0 exists=False", "activate count=5 exists=True"], host.Probe.Entries("c"));
    }

    [Fact]
    public async Task KeptAliveActivation_IsNotCollectedHoweverLongItIsIdle_UntilItLetsGo()
    {
        await using var host = ActorTestHost.Create();
        var counter = host.Grain<ICounterGrain>("kept");
        await counter.SetKeepAliveAsync(true);

        host.Time.Advance(IdleTimeout * 10);
        await host.Runtime.CollectIdleAsync().WithTimeout("a collection pass that must skip the kept-alive grain");
        Assert.Equal(1, host.Runtime.ActivationCount);
        Assert.Equal(0, host.Probe.Count("deactivate:kept"));

        await counter.SetKeepAliveAsync(false);
        host.Time.Advance(IdleTimeout + TimeSpan.FromSeconds(1));
        await host.Runtime.CollectIdleAsync().WithTimeout("the grain that let go to be collected");
        Assert.Equal(0, host.Runtime.ActivationCount);
        Assert.Equal(1, host.Probe.Count("deactivate:kept"));
    }

    [Fact]
    public async Task RecentlyCalledActivation_IsNotCollected()
    {
        await using var host = ActorTestHost.Create();
        var counter = host.Grain<ICounterGrain>("c");
        await counter.GetAsync();

        host.Time.Advance(IdleTimeout - TimeSpan.FromMinutes(1));
        await counter.GetAsync();
        host.Time.Advance(TimeSpan.FromMinutes(2));
        await host.Runtime.CollectIdleAsync().WithTimeout("a collection pass");

        Assert.Equal(1, host.Runtime.ActivationCount);
        Assert.Equal(0, host.Probe.Count("deactivate:c"));
    }

    [Fact]
    public async Task Call_RacingWithDeactivation_IsServedByAFreshActivation()
    {
        await using var host = ActorTestHost.Create();
        var counter = host.Grain<ICounterGrain>("c");
        await counter.AddAsync(3);
        host.Probe.HoldDeactivation = true;

        host.Time.Advance(IdleTimeout + TimeSpan.FromSeconds(1));
        var collection = host.Runtime.CollectIdleAsync();
        await host.Probe.WhenSignaled("deactivating:c").WithTimeout("OnDeactivateAsync of the idle counter to start");

        var racing = counter.AddAsync(1);
        Assert.False(racing.IsCompleted);
        host.Probe.Signal("release-deactivation");

        await collection.WithTimeout("the deactivation to finish");
        Assert.Equal(4, await racing.WithTimeout("the racing call to be served"));
        Assert.Equal(1, host.Probe.Count("deactivate:c"));
        Assert.Equal(2, host.Probe.Count("activate:c"));
        Assert.Equal(1, host.Runtime.ActivationCount);
    }

    [Fact]
    public async Task DeactivateOnIdle_DeactivatesRightAfterTheCurrentTurn()
    {
        await using var host = ActorTestHost.Create();
        var counter = host.Grain<ICounterGrain>("c");
        await counter.AddAsync(2);

        await counter.DeactivateAfterThisCallAsync();
        await host.Probe.WhenSignaled("deactivating:c").WithTimeout("OnDeactivateAsync after the turn that asked for it");

        Assert.Equal(2, await counter.GetAsync());
        Assert.Equal(1, host.Probe.Count("deactivate:c"));
        Assert.Equal(2, host.Probe.Count("activate:c"));
        Assert.Equal(1, host.Runtime.ActivationCount);
    }

    [Fact]
    public async Task DeactivateAsync_DropsTheActivation_AndTheNextCallReloadsFromStorage()
    {
        await using var host = ActorTestHost.Create();
        var counter = host.Grain<ICounterGrain>("c");
        await counter.AddAsync(1);
        var stored = await host.Storage.ReadAsync(nameof(CounterGrain), "c", CancellationToken.None);
        await host.Storage.WriteAsync(nameof(CounterGrain), "c", """{"count":41}""", stored!.ETag, CancellationToken.None);

        await host.Runtime.DeactivateAsync<ICounterGrain>("c").WithTimeout("the stale counter to deactivate");
        Assert.Equal(0, host.Runtime.ActivationCount);
        Assert.Equal(1, host.Probe.Count("deactivate:c"));

        Assert.Equal(41, await counter.GetAsync());
        Assert.Equal(42, await counter.IncrementAsync());
    }

    [Fact]
    public async Task DeactivateAsync_OfAGrainThatIsNotActive_CompletesAtOnce()
    {
        await using var host = ActorTestHost.Create();

        await host.Runtime.DeactivateAsync<ICounterGrain>("never-called").WithTimeout("a no-op deactivation");

        Assert.Equal(0, host.Probe.Count("deactivate:never-called"));
    }

    [Fact]
    public async Task DeactivateAllAsync_RunsOnDeactivateForEveryActivation()
    {
        await using var host = ActorTestHost.Create();
        foreach (var key in new[] { "a", "b", "c" })
        {
            await host.Grain<ICounterGrain>(key).IncrementAsync();
        }

        await host.Runtime.DeactivateAllAsync(CancellationToken.None).WithTimeout("all counters to deactivate");

        Assert.Equal(0, host.Runtime.ActivationCount);
        Assert.All(new[] { "a", "b", "c" }, key => Assert.Equal(1, host.Probe.Count($"deactivate:{key}")));
    }

    [Fact]
    public async Task HostedService_CollectsIdleActivationsOnItsTimer_AndDeactivatesTheRestOnStop()
    {
        await using var host = ActorTestHost.Create();
        var service = Assert.Single(host.Provider.GetServices<IHostedService>());
        await service.StartAsync(CancellationToken.None);
        await host.Time.WhenTimerCreated.WithTimeout("the collection timer to be created");
        await host.Grain<ICounterGrain>("idle").IncrementAsync();

        host.Time.Advance(IdleTimeout + ActorTestHost.CollectionInterval);
        await host.Probe.WhenSignaled("deactivating:idle").WithTimeout("the timer's collection pass to deactivate the idle counter");
        await host.Grain<ICounterGrain>("busy").IncrementAsync();

        await service.StopAsync(CancellationToken.None).WithTimeout("the hosted service to stop");
        Assert.Equal(1, host.Probe.Count("deactivate:idle"));
        Assert.Equal(1, host.Probe.Count("deactivate:busy"));
        Assert.Equal(0, host.Runtime.ActivationCount);
    }
}
