using System.Text.Json;
using Circul.Actors.Tests.Grains;
using Circul.Actors.Tests.Infrastructure;

namespace Circul.Actors.Tests;

public sealed class StatePersistenceTests
{
    [Fact]
    public async Task ConcurrentIncrements_AreNotLost_AndArePersisted()
    {
        await using var host = ActorTestHost.Create();

        var results = await Task.WhenAll(Enumerable.Range(0, 1000)
                .Select(_ => Task.Run(() => host.Grain<ICounterGrain>("hot").IncrementAsync())))
            .WithTimeout("1,000 concurrent increments");

        Assert.Equal(Enumerable.Range(1, 1000), results.Order());
        Assert.Equal(1000, await StoredCountAsync(host, "hot"));
        Assert.Equal(0, host.Probe.Count("conflict:hot"));
    }

    [Fact]
    public async Task State_IsWrittenWithTheWebJsonDefaults_AndETagFollowsStorage()
    {
        await using var host = ActorTestHost.Create();
        var counter = host.Grain<ICounterGrain>("c");
        Assert.Null(await counter.GetETagAsync());

        await counter.AddAsync(7);

        var stored = await host.Storage.ReadAsync(nameof(CounterGrain), "c", CancellationToken.None);
        Assert.Equal("""{"count":7}""", stored!.Json);
        Assert.Equal(stored.ETag, await counter.GetETagAsync());
    }

    [Fact]
    public async Task StateConflict_ReloadsTheState_AndRetriesTheTurnOnce()
    {
        await using var host = ActorTestHost.Create();
        var counter = host.Grain<ICounterGrain>("c");
        Assert.Equal(1, await counter.IncrementAsync());

        var stored = await host.Storage.ReadAsync(nameof(CounterGrain), "c", CancellationToken.None);
        await host.Storage.WriteAsync(nameof(CounterGrain), "c", """{"count":10}""", stored!.ETag, CancellationToken.None);

        Assert.Equal(11, await counter.IncrementAsync());
        Assert.Equal(3, host.Probe.Count("attempt:c"));
        Assert.Equal(1, host.Probe.Count("conflict:c"));
        Assert.Contains("conflict reloaded count=10", host.Probe.Entries("c"));
        Assert.Equal(11, await StoredCountAsync(host, "c"));
        Assert.Equal(1, host.Runtime.TotalActivations);
    }

    [Fact]
    public async Task PersistentStateConflict_PropagatesInconsistentStateException_AndLeavesTheStoredState()
    {
        await using var host = ActorTestHost.Create();
        var counter = host.Grain<ICounterGrain>("c");
        await counter.AddAsync(5);

        await Assert.ThrowsAsync<InconsistentStateException>(() => counter.IncrementAgainstForeignWriterAsync());

        Assert.Equal(3, host.Probe.Count("attempt:c"));
        Assert.Equal(2, host.Probe.Count("conflict:c"));
        Assert.Equal(-1, await StoredCountAsync(host, "c"));
        Assert.Equal(-1, await counter.GetAsync());
        Assert.Equal(0, await counter.IncrementAsync());
        Assert.Equal(1, host.Runtime.ActivationCount);
    }

    [Fact]
    public async Task ConflictPropagatedFromACalledGrain_IsNotRetriedByTheCaller()
    {
        await using var host = ActorTestHost.Create();

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => host.Grain<IFrontGrain>("front").IncrementConflictingCounterAsync("c"));

        Assert.Equal(1, host.Probe.Count("front-attempt:front"));
        Assert.Equal(2, host.Probe.Count("attempt:c"));
    }

    [Fact]
    public async Task ClearState_DeletesTheRecord_AndTheGrainCanWriteAgain()
    {
        await using var host = ActorTestHost.Create();
        var counter = host.Grain<ICounterGrain>("c");
        await counter.AddAsync(3);

        await counter.ClearAsync();
        Assert.Null(await host.Storage.ReadAsync(nameof(CounterGrain), "c", CancellationToken.None));
        Assert.Equal(0, await counter.GetAsync());
        Assert.Null(await counter.GetETagAsync());

        Assert.Equal(1, await counter.IncrementAsync());
        Assert.Equal(1, await StoredCountAsync(host, "c"));
    }

    private static async Task<int> StoredCountAsync(ActorTestHost host, string key)
    {
        var stored = await host.Storage.ReadAsync(nameof(CounterGrain), key, CancellationToken.None);
        Assert.NotNull(stored);
        using var document = JsonDocument.Parse(stored.Json);
        return document.RootElement.GetProperty("count").GetInt32();
    }
}
