namespace Circul.Actors.Tests.Grains;

public interface IRecorderGrain : IGrainWithStringKey
{
    /// <summary>Logs "enter i", yields the thread twice, logs "exit i".</summary>
    Task RecordAsync(int sequence);

    Task<int> GetCallCountAsync();
}
