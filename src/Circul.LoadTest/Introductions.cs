namespace Circul.LoadTest;

/// <summary>
/// Bots of one owner cannot see each other (API.md section 3: a bot's contacts are its owner and the
/// users it shares a panel, DM or group with), so a bot cannot open a DM with a sibling. The owner,
/// who sees all its bots, puts them in "introduction" groups first; no message is ever sent there.
/// </summary>
public static class Introductions
{
    /// <summary>A group holds at most 100 members, the creating owner included.</summary>
    public const int MaxBotsPerGroup = 98;

    /// <summary>Makes every bot of each chunk visible to the others of that chunk; chunks follow list order and have an even size, so consecutive pairs share one.</summary>
    public static async Task IntroduceAsync(ScenarioContext context, IReadOnlyList<BotIdentity> bots, CancellationToken cancellationToken)
    {
        var chunks = bots.Chunk(MaxBotsPerGroup).Where(chunk => chunk.Length >= 2).ToList();
        await Parallel.ForEachAsync(
            chunks.Select((chunk, i) => (chunk, i)),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                await context.Api.CreateGroupAsync(context.Owner.Authorization, $"load-intro-{item.i}", item.chunk.Select(b => b.Id), ct);
            });
    }
}
