using System.Collections.Concurrent;
using Circul.Grains.Events;
using Circul.Silo.Gateway;

namespace Circul.Silo.Cluster;

/// <summary>This silo's one gateway observer: what other silos call to reach the sockets held here. Created once by
/// <see cref="GatewayDirectoryService"/>, which keeps it strongly referenced (Orleans holds observer objects weakly).</summary>
public sealed partial class GatewayObserver(LocalDelivery local, ILocalSessions registry, EventRouter router, ILogger<GatewayObserver> logger) : IGatewayObserver
{
    private readonly ConcurrentDictionary<string, long> _lastSequence = new(StringComparer.Ordinal);

    public Task DeliverAsync(EventBatch batch)
    {
        // A sender retries a batch whose acknowledgement it did not see; one already delivered is not delivered twice.
        var last = _lastSequence.GetOrAdd(batch.Sender, 0);
        if (batch.Sequence <= last)
        {
            return Task.CompletedTask;
        }

        _lastSequence[batch.Sender] = batch.Sequence;
        if (batch.EventsLost)
        {
            LogEventsLost(logger, batch.Sender);
            registry.CloseAll(GatewayCloseCodes.ShuttingDown, "events were lost; reconnect and catch up");
        }

        return local.DeliverAsync(batch.Events);
    }

    public Task PeerRegisteredAsync(GatewayRegistration peer)
    {
        router.AddPeer(peer);
        return Task.CompletedTask;
    }

    public Task CloseTokensAsync(string[] tokenHashes, int closeCode, string reason)
    {
        registry.CloseTokens(tokenHashes, closeCode, reason);
        return Task.CompletedTask;
    }

    public Task CloseUserAsync(string userId, int closeCode, string reason)
    {
        registry.CloseUser(userId, closeCode, reason);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Sender} dropped events for this silo; closing its sockets here for a clean reconnect")]
    private static partial void LogEventsLost(ILogger logger, string sender);
}
