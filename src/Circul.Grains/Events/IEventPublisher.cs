namespace Circul.Grains.Events;

/// <summary>Hands committed events to every silo's gateway. Never blocks: it enqueues. Events published from one silo
/// reach each silo in the order they were published.</summary>
public interface IEventPublisher
{
    void Publish(OutboundEvent outboundEvent);

    /// <summary>Tells every silo that the panel's snapshot reached <paramref name="version"/>, in order with the events.
    /// Completes when every other silo has it (or after a bounded wait), so that a change answered to its caller is
    /// in force on every silo for the next message.</summary>
    Task AnnounceSnapshot(string panelId, long version);
}
