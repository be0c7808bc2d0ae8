namespace Circul.LoadTest;

/// <summary>
/// What a scenario set up: the rooms (with who must receive what) and who sends where, plus checks
/// the scenario made during set-up that the server failed (reported as correctness failures).
/// </summary>
public sealed record ScenarioPlan(IReadOnlyList<Room> Rooms, IReadOnlyList<Sender> Senders)
{
    public IReadOnlyList<string> SetupFailures { get; init; } = [];

    /// <summary>Room ids the scenario knows carry events the run does not count (e.g. a panel's join announcements).</summary>
    public IReadOnlySet<string> IgnoredRooms { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}
