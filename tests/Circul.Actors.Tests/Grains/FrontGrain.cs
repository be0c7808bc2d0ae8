using Circul.Actors.Tests.Infrastructure;

namespace Circul.Actors.Tests.Grains;

public sealed class FrontGrain(GrainProbe probe) : Grain, IFrontGrain
{
    public Task<int> IncrementCounterAsync(string counterKey) =>
        GrainFactory.GetGrain<ICounterGrain>(counterKey).IncrementAsync();

    public async Task<int> IncrementConflictingCounterAsync(string counterKey)
    {
        probe.Increment($"front-attempt:{GrainKey}");
        return await GrainFactory.GetGrain<ICounterGrain>(counterKey).IncrementAgainstForeignWriterAsync();
    }
}
