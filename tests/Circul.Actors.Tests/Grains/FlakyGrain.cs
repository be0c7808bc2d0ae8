using Circul.Actors.Tests.Infrastructure;

namespace Circul.Actors.Tests.Grains;

public sealed class FlakyGrain(GrainProbe probe) : Grain, IFlakyGrain
{
    private int _pings;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Increment($"activate:{GrainKey}");
        if (probe.TakeActivationFailure())
        {
            throw new InvalidOperationException("activation failed on purpose");
        }

        return Task.CompletedTask;
    }

    public async Task FailAsync(string message)
    {
        await Task.Yield();
        throw new ArgumentException(message);
    }

    public Task<int> FailSynchronously() => throw new NotSupportedException("thrown before returning a task");

    public Task<int> PingAsync() => Task.FromResult(++_pings);
}
