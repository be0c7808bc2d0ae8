using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;

namespace Circul.LoadTest;

/// <summary>
/// One panel (API.md sections 6 and 7), created by the owner, with <c>--channels</c> channels besides
/// <c>general</c>; every bot is added with <c>POST /api/panels/{id}/bots</c>. A role "restricted" (no
/// permissions of its own) goes to <c>--restricted-fraction</c> of the bots, and every 4th channel
/// carries an override denying <c>view_channel</c> to that role. Each bot sends into the channels it
/// can view; each channel's <c>panel_message</c> must reach exactly the bots that can view it (the
/// owner is a member without a socket), and a restricted bot must receive nothing from a restricted
/// channel. <c>general</c> is not sent to: it carries the panel's join announcements.
/// </summary>
public sealed class PanelScenario : IScenario
{
    public const string RestrictedRoleName = "restricted";

    private string _description = "";

    public string Name => "panel";

    public string Describe(ScenarioPlan plan) => _description;

    /// <summary>Adds fan a join event out to every member, role assignments a <c>panel_updated</c>: allow 0.2 s per bot and 1 s per channel.</summary>
    public TimeSpan ExtraSetupTime(LoadTestOptions options) =>
        TimeSpan.FromMilliseconds((200.0 * options.Bots) + (1000.0 * options.Channels));

    /// <summary>Whether channel <paramref name="index"/> (0-based, in creation order) hides itself from the restricted role: every 4th one.</summary>
    public static bool IsRestrictedChannel(int index) => (index + 1) % 4 == 0;

    /// <summary>Whether bot <paramref name="index"/> gets the restricted role: evenly spread, <paramref name="fraction"/> of <paramref name="count"/> bots.</summary>
    public static bool IsRestrictedBot(int index, double fraction) =>
        Math.Floor((index + 1) * fraction) > Math.Floor(index * fraction);

    public async Task<ScenarioPlan> SetupAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var api = context.Api;
        var owner = context.Owner.Authorization;
        var options = context.Options;
        var bots = context.Bots;
        var watch = Stopwatch.StartNew();

        var panelId = await api.CreatePanelAsync(owner, "load-panel", cancellationToken);
        var initial = await api.ListChannelsAsync(owner, panelId, cancellationToken);
        var general = initial.FirstOrDefault(c => c.Name == "general")
            ?? throw new InvalidOperationException($"GET /api/panels/{panelId}/channels lists no 'general' channel (got: {string.Join(", ", initial.Select(c => c.Name))})");

        // Sequential: creation order is the channel's position, and which ones are restricted depends on it.
        var channels = new List<PanelChannel>(options.Channels);
        for (var i = 0; i < options.Channels; i++)
        {
            channels.Add(await api.CreateChannelAsync(owner, panelId, $"load-{i + 1}", cancellationToken));
        }

        await context.Log.WriteLineAsync(Invariant($"setup: panel {panelId} with general + {channels.Count} channels ({watch.Elapsed.TotalSeconds:0.0} s)"));

        await Parallel.ForEachAsync(
            bots,
            new ParallelOptions { MaxDegreeOfParallelism = options.SetupConcurrency, CancellationToken = cancellationToken },
            async (bot, ct) => await api.AddBotToPanelAsync(owner, panelId, bot.Id, ct));
        await context.Log.WriteLineAsync(Invariant($"setup: {bots.Count} bots added to the panel ({watch.Elapsed.TotalSeconds:0.0} s)"));

        var roleId = await api.CreateRoleAsync(owner, panelId, RestrictedRoleName, [], cancellationToken);
        var restrictedBots = bots.Where((_, i) => IsRestrictedBot(i, options.RestrictedFraction)).ToList();
        await Parallel.ForEachAsync(
            restrictedBots,
            new ParallelOptions { MaxDegreeOfParallelism = options.SetupConcurrency, CancellationToken = cancellationToken },
            async (bot, ct) => await api.AssignRoleAsync(owner, panelId, bot.Id, roleId, ct));

        var restrictedChannels = channels.Where((_, i) => IsRestrictedChannel(i)).ToList();
        foreach (var channel in restrictedChannels)
        {
            await api.PutOverrideAsync(owner, panelId, channel.Id, roleId, [], ["view_channel"], cancellationToken);
        }

        await context.Log.WriteLineAsync(Invariant(
            $"setup: role '{RestrictedRoleName}' given to {restrictedBots.Count} bots, view_channel denied to it in {restrictedChannels.Count} channels ({watch.Elapsed.TotalSeconds:0.0} s)"));

        // Who must receive each channel's messages, computed from our own set-up (API.md section 7):
        // everyone can view an open channel; a restricted channel hides itself from the restricted role.
        var restrictedSet = restrictedBots.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        var openViewers = bots.ToList();
        var restrictedViewers = bots.Where(b => !restrictedSet.Contains(b.Id)).ToList();
        var rooms = channels
            .Select((c, i) => IsRestrictedChannel(i)
                ? new Room(c.Id, CirculApiClient.ChannelMessagesPath(panelId, c.Id), restrictedViewers, $"#{c.Name} (restricted)")
                : new Room(c.Id, CirculApiClient.ChannelMessagesPath(panelId, c.Id), openViewers, $"#{c.Name}"))
            .ToList();

        var failures = await CheckVisibilityAsync(context, panelId, rooms, restrictedBots, restrictedViewers, general, cancellationToken);

        // Senders: round r sends once into every channel, from the channel's r-th viewer; consecutive
        // sends go to different channels, and every channel gets the same share of the rate.
        var senders = new List<Sender>();
        var rounds = rooms.Max(r => r.Members.Count);
        for (var round = 0; round < rounds; round++)
        {
            senders.AddRange(rooms.Where(r => round < r.Members.Count).Select(r => new Sender(r.Members[round], r)));
        }

        _description = Invariant(
            $"1 panel: general (join announcements, not sent to) + {channels.Count} channels, {restrictedChannels.Count} of them restricted; {restrictedBots.Count} of {bots.Count} bots restricted; {senders.Count} (bot, channel) senders; expected per message: {openViewers.Count} (open) / {restrictedViewers.Count} (restricted)");
        return new ScenarioPlan(rooms, senders)
        {
            SetupFailures = failures,
            IgnoredRooms = new HashSet<string>([general.Id], StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// Cheap contract checks of the restriction before any load: the channel list each kind of bot
    /// sees, and that a restricted bot's send into a hidden channel answers 404 (API.md section 7).
    /// </summary>
    private static async Task<List<string>> CheckVisibilityAsync(
        ScenarioContext context, string panelId, List<Room> rooms, List<BotIdentity> restrictedBots, List<BotIdentity> unrestricted,
        PanelChannel general, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var restrictedRooms = rooms.Where(r => r.Members.Count < context.Bots.Count).ToList();
        var allIds = rooms.Select(r => r.Id).Append(general.Id).ToHashSet(StringComparer.Ordinal);

        if (unrestricted.Count > 0)
        {
            var seen = (await context.ApiFor(unrestricted[0]).ListChannelsAsync(unrestricted[0].Authorization, panelId, cancellationToken)).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
            if (!allIds.SetEquals(seen))
            {
                failures.Add(Invariant($"GET channels as unrestricted bot {unrestricted[0].Id} listed {seen.Count} channels, expected all {allIds.Count}"));
            }
        }

        if (restrictedBots.Count == 0 || restrictedRooms.Count == 0)
        {
            return failures;
        }

        var bot = restrictedBots[0];
        var visible = (await context.ApiFor(bot).ListChannelsAsync(bot.Authorization, panelId, cancellationToken)).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var shown = restrictedRooms.Where(r => visible.Contains(r.Id)).Select(r => r.Label).ToList();
        if (shown.Count > 0)
        {
            failures.Add($"GET channels as restricted bot {bot.Id} lists channels its role cannot view: {string.Join(", ", shown)}");
        }

        var probeRoom = restrictedRooms[0];
        var probe = await context.ApiFor(bot).TimedAsync(HttpMethod.Post, probeRoom.MessagesPath, bot.Authorization,
            MessageStamp.CreateBody(Stopwatch.GetTimestamp(), 0, senderSilo: context.Silos.SiloOf(bot)), cancellationToken);
        if (probe.Ok)
        {
            // The message exists now: its viewers will receive it, so count it.
            probeRoom.CountAccepted();
        }

        if (probe.Status != (int)HttpStatusCode.NotFound)
        {
            failures.Add($"a restricted bot's POST into {probeRoom.Label} answered {probe.Label} {probe.ErrorBody}, the contract says 404 (a channel the caller cannot view)");
        }

        await context.Log.WriteLineAsync($"setup: restricted bot sees {visible.Count} channels; its send into {probeRoom.Label} answered {probe.Label}");
        return failures;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
