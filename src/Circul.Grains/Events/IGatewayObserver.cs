using Orleans;

namespace Circul.Grains.Events;

/// <summary>The one gateway of a silo, as other silos see it: events and account actions for the sockets it holds.
/// Each silo creates one, holds it strongly and registers it in <see cref="IGatewayDirectoryGrain"/>.</summary>
[Alias("circul.IGatewayObserver")]
public interface IGatewayObserver : IGrainObserver
{
    /// <summary>Delivers a batch to the silo's sessions; completes once it was handed to them (the sender's backpressure).</summary>
    [Alias("Deliver")]
    Task DeliverAsync(EventBatch batch);

    /// <summary>Another silo's gateway registered (it joined, or came back): send it events from now on.</summary>
    [Alias("PeerRegistered")]
    Task PeerRegisteredAsync(GatewayRegistration peer);

    /// <summary>Closes the silo's sockets opened with one of these token hashes.</summary>
    [Alias("CloseTokens")]
    Task CloseTokensAsync(string[] tokenHashes, int closeCode, string reason);

    /// <summary>Closes the silo's sockets of one user.</summary>
    [Alias("CloseUser")]
    Task CloseUserAsync(string userId, int closeCode, string reason);
}
