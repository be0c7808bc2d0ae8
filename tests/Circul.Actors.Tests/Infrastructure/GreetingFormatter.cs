namespace Circul.Actors.Tests.Infrastructure;

/// <summary>A plain service, injected into <c>GreeterGrain</c> to show constructor injection.</summary>
public sealed class GreetingFormatter(string greeting)
{
    public string Format(string name) => $"{greeting}, {name}!";
}
