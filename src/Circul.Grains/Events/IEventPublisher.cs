namespace Circul.Grains.Events;

/// <summary>Hands committed events to every gateway (in-process for one silo). Must not block: it enqueues.</summary>
public interface IEventPublisher
{
    void Publish(OutboundEvent outboundEvent);
}
