using Circul.Contracts;
using Circul.Storage;

namespace Circul.Grains.Webhooks;

/// <summary>A room's webhook subscriptions, loaded once (at the room's first send, and again after
/// <see cref="Invalidate"/>), so that triggers are evaluated in memory: a room with no webhook bots pays one query per
/// activation, never one per message. Used inside the room grain's turns only.</summary>
public sealed class RoomWebhooks(string roomId, string? panelId, IWebhookStore store, WebhookDeliverySignal signal, TimeProvider time)
{
    private IReadOnlyList<WebhookBotRecord> _bots = [];
    private long _generation;
    private long _loadedGeneration = -1;
    private string? _loadedOwner;

    /// <summary>The bots loaded for the room (enabled, allowed here), for tests and diagnostics.</summary>
    public IReadOnlyList<WebhookBotRecord> Bots => _bots;

    /// <summary>The configuration changed (told by the consumer API through the room grain): reload before the next send.</summary>
    public void Invalidate() => _generation++;

    /// <summary>Loads the subscriptions of the room owned by <paramref name="ownerId"/> unless they are current (a
    /// completed task then). Rooms without an owner (DMs) have none.</summary>
    public async ValueTask EnsureLoadedAsync(string? ownerId)
    {
        while (_loadedGeneration != _generation || !string.Equals(_loadedOwner, ownerId, StringComparison.Ordinal))
        {
            var generation = _generation;
            var bots = ownerId is null ? [] : await store.ListRoomBotsAsync(roomId, ownerId);
            if (generation == _generation)
            {
                _bots = bots;
                _loadedOwner = ownerId;
                _loadedGeneration = generation;
            }
        }
    }

    /// <summary>The deliveries a message fires: for each enabled bot allowed in the room that can see it, <c>mention</c>
    /// bots when the message mentions them, <c>message</c> bots when a human sent it. System and private messages, and
    /// messages of the room's webhook bots themselves, fire nothing.</summary>
    public IReadOnlyList<NewWebhookDelivery> Evaluate(MessageRecord message, SenderDto sender, Func<string, bool> canView)
    {
        if (_bots.Count == 0 || message.IsSystem || message.VisibleTo is not null)
        {
            return [];
        }

        // Every webhook bot active in a room belongs to the room's owner, so they are all in _bots: a message of one of
        // them (a reply) never fires another, and two bots mentioning each other in replies cannot loop.
        foreach (var bot in _bots)
        {
            if (bot.BotId == message.SenderId)
            {
                return [];
            }
        }

        List<NewWebhookDelivery>? fired = null;
        foreach (var bot in _bots)
        {
            if (bot.BotId == message.SenderId || !canView(bot.BotId))
            {
                continue;
            }

            var fires = bot.Trigger == WebhookTriggers.Mention
                ? message.Mentions.Contains(bot.BotId)
                : !sender.IsBot;
            if (fires)
            {
                fired ??= [];
                fired.Add(new NewWebhookDelivery(
                    Ids.NewId(WebhookTriggers.DeliveryIdPrefix), bot.BotId, bot.Trigger, panelId is null ? "group" : "channel", roomId, panelId,
                    message.Id, message.SenderId, time.GetUtcNow()));
            }
        }

        return fired ?? (IReadOnlyList<NewWebhookDelivery>)[];
    }

    /// <summary>Deliveries were committed: wake this silo's worker.</summary>
    public void Recorded() => signal.Notify();
}
