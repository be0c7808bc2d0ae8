namespace Circul.Actors.Tests.Grains;

public interface IBlockingGrain : IGrainWithStringKey
{
    /// <summary>Signals "entered:{key}", then waits for the signal "release"; returns the key.</summary>
    Task<string> BlockAsync();
}
