using Circul.Actors.Tests.Infrastructure;

namespace Circul.Actors.Tests.Grains;

public sealed class BlockingGrain(GrainProbe probe) : Grain, IBlockingGrain
{
    public async Task<string> BlockAsync()
    {
        probe.Signal($"entered:{GrainKey}");
        await probe.WhenSignaled("release");
        return GrainKey;
    }
}
