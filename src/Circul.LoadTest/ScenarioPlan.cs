namespace Circul.LoadTest;

/// <summary>What a scenario set up: the rooms (with who must receive what) and who sends where.</summary>
public sealed record ScenarioPlan(IReadOnlyList<Room> Rooms, IReadOnlyList<Sender> Senders);
