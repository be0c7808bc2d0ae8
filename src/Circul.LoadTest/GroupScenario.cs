namespace Circul.LoadTest;

/// <summary>
/// Groups of <c>--group-size</c> bots, created by the owner (who sees its bots; the owner is a member
/// too but holds no socket). Every bot sends into its group; every bot of the group receives every message.
/// </summary>
public sealed class GroupScenario : IScenario
{
    public string Name => "group";

    public string Describe(ScenarioPlan plan) =>
        $"{plan.Rooms.Count} groups of {string.Join("/", plan.Rooms.Select(r => r.Members.Count).Distinct())} bots (+ the owner), {plan.Senders.Count} senders";

    public async Task<ScenarioPlan> SetupAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var chunks = context.Bots.Chunk(context.Options.GroupSize).Where(chunk => chunk.Length >= 2).ToList();
        var rooms = new Room[chunks.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, chunks.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var members = chunks[i];
                var convId = await context.Api.CreateGroupAsync(context.Owner.Authorization, $"load-group-{i}", members.Select(b => b.Id), ct);
                rooms[i] = new Room(convId, $"/api/conversations/{Uri.EscapeDataString(convId)}/messages", members);
            });

        // Member 0 of every group, then member 1 of every group, ...: consecutive sends go to different rooms.
        var senders = new List<Sender>();
        var largest = rooms.Max(r => r.Members.Count);
        for (var position = 0; position < largest; position++)
        {
            senders.AddRange(rooms.Where(r => position < r.Members.Count).Select(r => new Sender(r.Members[position], r)));
        }

        return new ScenarioPlan(rooms, senders);
    }
}
