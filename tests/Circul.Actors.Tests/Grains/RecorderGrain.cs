using Circul.Actors.Tests.Infrastructure;

namespace Circul.Actors.Tests.Grains;

public sealed class RecorderGrain(GrainProbe probe) : Grain, IRecorderGrain
{
    private int _calls;

    public async Task RecordAsync(int sequence)
    {
        probe.EnterTurn(GrainKey);
        probe.Log(GrainKey, $"enter {sequence}");
        await Task.Yield();
        _calls++;
        await Task.Yield();
        probe.Log(GrainKey, $"exit {sequence}");
        probe.ExitTurn(GrainKey);
    }

    public Task<int> GetCallCountAsync() => Task.FromResult(_calls);
}
