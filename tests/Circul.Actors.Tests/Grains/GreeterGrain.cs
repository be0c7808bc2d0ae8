using Circul.Actors.Tests.Infrastructure;

namespace Circul.Actors.Tests.Grains;

public sealed class GreeterGrain(GreetingFormatter formatter) : Grain, IGreeterGrain
{
    public Task<string> GreetAsync(string name) => Task.FromResult($"{GrainKey}: {formatter.Format(name)}");

    public Task<DateTimeOffset> GetNowAsync() => Task.FromResult(TimeProvider.GetUtcNow());
}
