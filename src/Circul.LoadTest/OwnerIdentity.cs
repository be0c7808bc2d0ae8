namespace Circul.LoadTest;

/// <summary>The human who owns the run's bots.</summary>
public sealed record OwnerIdentity(string Id, string Name, string Token)
{
    public string Authorization => "Bearer " + Token;
}
