namespace Circul.Actors.Tests.Grains;

public interface IFlakyGrain : IGrainWithStringKey
{
    /// <summary>Throws <see cref="ArgumentException"/> after an await.</summary>
    Task FailAsync(string message);

    /// <summary>Throws <see cref="NotSupportedException"/> before returning a task.</summary>
    Task<int> FailSynchronously();

    /// <summary>Returns how many pings this activation served, this one included.</summary>
    Task<int> PingAsync();
}
