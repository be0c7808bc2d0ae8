namespace Circul.LoadTest;

/// <summary>What a scenario gets to build its rooms with: the API, the owner, and the connected bots.</summary>
public sealed record ScenarioContext(
    CirculApiClient Api,
    OwnerIdentity Owner,
    IReadOnlyList<BotIdentity> Bots,
    LoadTestOptions Options,
    TextWriter Log);
