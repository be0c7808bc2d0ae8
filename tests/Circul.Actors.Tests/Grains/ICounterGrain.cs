namespace Circul.Actors.Tests.Grains;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync();

    Task<int> AddAsync(int amount);

    Task<int> GetAsync();

    Task<string?> GetETagAsync();

    /// <summary>Each attempt writes another version into storage behind the grain's back before writing.</summary>
    Task<int> IncrementAgainstForeignWriterAsync();

    Task ClearAsync();

    /// <summary>Asks for deactivation after this call.</summary>
    Task DeactivateAfterThisCallAsync();

    /// <summary>Sets <see cref="Grain.KeepAlive"/>.</summary>
    Task SetKeepAliveAsync(bool keepAlive);
}
