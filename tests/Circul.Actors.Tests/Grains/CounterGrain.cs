using Circul.Actors.Tests.Infrastructure;

namespace Circul.Actors.Tests.Grains;

public sealed class CounterGrain(GrainProbe probe, IGrainStorage storage) : Grain<CounterState>, ICounterGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Increment($"activate:{GrainKey}");
        probe.Log(GrainKey, $"activate count={State.Count} exists={RecordExists}");
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        probe.Increment($"deactivate:{GrainKey}");
        probe.Signal($"deactivating:{GrainKey}");
        if (probe.HoldDeactivation)
        {
            await probe.WhenSignaled("release-deactivation");
        }
    }

    public Task<int> IncrementAsync() => AddAsync(1);

    public async Task<int> AddAsync(int amount)
    {
        probe.Increment($"attempt:{GrainKey}");
        State.Count += amount;
        await WriteStateAsync();
        return State.Count;
    }

    public Task<int> GetAsync() => Task.FromResult(State.Count);

    public Task<string?> GetETagAsync() => Task.FromResult(ETag);

    public async Task<int> IncrementAgainstForeignWriterAsync()
    {
        probe.Increment($"attempt:{GrainKey}");
        var stored = await storage.ReadAsync(nameof(CounterGrain), GrainKey, CancellationToken.None);
        await storage.WriteAsync(nameof(CounterGrain), GrainKey, """{"count":-1}""", stored?.ETag, CancellationToken.None);
        State.Count++;
        await WriteStateAsync();
        return State.Count;
    }

    public Task ClearAsync() => ClearStateAsync();

    public Task SetKeepAliveAsync(bool keepAlive)
    {
        KeepAlive = keepAlive;
        return Task.CompletedTask;
    }

    public Task DeactivateAfterThisCallAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    protected override Task OnStateConflictAsync()
    {
        probe.Increment($"conflict:{GrainKey}");
        probe.Log(GrainKey, $"conflict reloaded count={State.Count}");
        return Task.CompletedTask;
    }
}
