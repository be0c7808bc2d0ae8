namespace Circul.LoadTest;

/// <summary>
/// What a scenario gets to build its rooms with: the owner's API client (the first <c>--url</c>), the owner, the
/// connected bots, and every URL's client. Calls made with a bot's token go through <see cref="ApiFor"/>, so they reach
/// the same silo as the bot's socket.
/// </summary>
public sealed record ScenarioContext(
    CirculApiClient Api,
    OwnerIdentity Owner,
    IReadOnlyList<BotIdentity> Bots,
    LoadTestOptions Options,
    TextWriter Log,
    SiloTargets Silos)
{
    /// <summary>The client for calls made with <paramref name="bot"/>'s token: its socket's URL.</summary>
    public CirculApiClient ApiFor(BotIdentity bot) => Silos.For(bot);
}
