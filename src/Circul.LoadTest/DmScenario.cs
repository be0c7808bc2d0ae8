namespace Circul.LoadTest;

/// <summary>Pairs of bots (0-1, 2-3, ...) in DMs; both bots of a pair send, both receive every message.</summary>
public sealed class DmScenario : IScenario
{
    public string Name => "dm";

    public string Describe(ScenarioPlan plan) => $"{plan.Rooms.Count} DMs of 2 bots, {plan.Senders.Count} senders";

    public async Task<ScenarioPlan> SetupAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var bots = context.Bots;
        await Introductions.IntroduceAsync(context, bots, cancellationToken);

        var pairCount = bots.Count / 2;
        var rooms = new Room[pairCount];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, pairCount),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (pair, ct) =>
            {
                var a = bots[2 * pair];
                var b = bots[(2 * pair) + 1];
                var convId = await context.ApiFor(a).OpenDmAsync(a, b.Id, ct);
                rooms[pair] = new Room(convId, $"/api/conversations/{Uri.EscapeDataString(convId)}/messages", [a, b]);
            });

        // All first members, then all second members: consecutive sends go to different rooms.
        var senders = rooms.Select(r => new Sender(r.Members[0], r))
            .Concat(rooms.Select(r => new Sender(r.Members[1], r)))
            .ToList();
        return new ScenarioPlan(rooms, senders);
    }
}
