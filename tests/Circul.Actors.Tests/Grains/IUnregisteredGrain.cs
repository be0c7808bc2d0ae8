namespace Circul.Actors.Tests.Grains;

/// <summary>A grain interface no class is registered for.</summary>
public interface IUnregisteredGrain : IGrainWithStringKey
{
    Task PingAsync();
}
