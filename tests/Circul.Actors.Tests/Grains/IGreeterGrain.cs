namespace Circul.Actors.Tests.Grains;

public interface IGreeterGrain : IGrainWithStringKey
{
    Task<string> GreetAsync(string name);

    Task<DateTimeOffset> GetNowAsync();
}
