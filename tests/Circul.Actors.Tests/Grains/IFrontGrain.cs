namespace Circul.Actors.Tests.Grains;

/// <summary>Calls counter grains, to show grain-to-grain calls.</summary>
public interface IFrontGrain : IGrainWithStringKey
{
    Task<int> IncrementCounterAsync(string counterKey);

    Task<int> IncrementConflictingCounterAsync(string counterKey);
}
