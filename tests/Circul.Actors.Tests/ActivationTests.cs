using Circul.Actors.Tests.Grains;
using Circul.Actors.Tests.Infrastructure;

namespace Circul.Actors.Tests;

public sealed class ActivationTests
{
    [Fact]
    public async Task GetGrain_DoesNotActivate_TheFirstCallDoes()
    {
        await using var host = ActorTestHost.Create();

        var grain = host.Grain<IFlakyGrain>("f");
        Assert.Equal(0, host.Runtime.ActivationCount);

        await grain.PingAsync();
        Assert.Equal(1, host.Runtime.ActivationCount);
        Assert.Equal(1, host.Runtime.TotalActivations);
        Assert.Equal(1, host.Probe.Count("activate:f"));
    }

    [Fact]
    public async Task ActivationFailure_FailsTheCall_AndTheNextCallActivatesAgain()
    {
        await using var host = ActorTestHost.Create();
        var grain = host.Grain<IFlakyGrain>("f");
        host.Probe.FailNextActivations(1);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.PingAsync());
        Assert.Equal("activation failed on purpose", thrown.Message);
        Assert.Equal(0, host.Runtime.ActivationCount);

        Assert.Equal(1, await grain.PingAsync());
        Assert.Equal(2, host.Probe.Count("activate:f"));
        Assert.Equal(1, host.Runtime.ActivationCount);
        Assert.Equal(1, host.Runtime.TotalActivations);
    }

    [Fact]
    public async Task ActivationFailure_FailsOnlyTheCallThatTriggeredIt()
    {
        await using var host = ActorTestHost.Create();
        var grain = host.Grain<IFlakyGrain>("f");
        host.Probe.FailNextActivations(1);

        var first = grain.PingAsync();
        var second = grain.PingAsync();
        var third = grain.PingAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        Assert.Equal(1, await second.WithTimeout("the second call to run on a fresh activation"));
        Assert.Equal(2, await third.WithTimeout("the third call to run on that same activation"));
    }

    [Fact]
    public async Task ConcurrentFirstCalls_ToOneKey_CreateASingleActivation()
    {
        await using var host = ActorTestHost.Create();

        var pings = await Task.WhenAll(Enumerable.Range(0, 64)
                .Select(_ => Task.Run(() => host.Grain<IFlakyGrain>("f").PingAsync())))
            .WithTimeout("64 concurrent first calls");

        Assert.Equal(Enumerable.Range(1, 64), pings.Order());
        Assert.Equal(1, host.Runtime.TotalActivations);
        Assert.Equal(1, host.Runtime.ActivationCount);
        Assert.Equal(1, host.Probe.Count("activate:f"));
    }

    [Fact]
    public async Task Grains_GetConstructorInjectedServices_AndTheRuntimesClock()
    {
        await using var host = ActorTestHost.Create();
        var grain = host.Grain<IGreeterGrain>("g");

        Assert.Equal("g: Hello, Ada!", await grain.GreetAsync("Ada"));

        host.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(host.Time.GetUtcNow(), await grain.GetNowAsync());
    }

    [Fact]
    public async Task ActivationCount_FollowsActivationsAndDeactivations()
    {
        await using var host = ActorTestHost.Create();

        await host.Grain<ICounterGrain>("a").GetAsync();
        await host.Grain<ICounterGrain>("b").GetAsync();
        await host.Grain<IFlakyGrain>("a").PingAsync();
        Assert.Equal(3, host.Runtime.ActivationCount);

        await host.Runtime.DeactivateAsync<ICounterGrain>("a").WithTimeout("counter a to deactivate");
        Assert.Equal(2, host.Runtime.ActivationCount);
        Assert.Equal(3, host.Runtime.TotalActivations);
    }

    [Fact]
    public async Task GetGrain_ForAnInterfaceWithoutRegisteredClass_Throws()
    {
        await using var host = ActorTestHost.Create();

        var thrown = Assert.Throws<InvalidOperationException>(() => host.Grain<IUnregisteredGrain>("x"));

        Assert.Contains(nameof(IUnregisteredGrain), thrown.Message, StringComparison.Ordinal);
    }
}
