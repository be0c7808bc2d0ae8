using Circul.Grains.Events;
using Circul.Grains.Webhooks;
using Circul.Storage;

namespace Circul.Grains.Rooms;

/// <summary>Creates the per-room message logic with the silo's shared services.</summary>
public sealed class RoomMessagingFactory(
    IMessageStore messages,
    IDurableWriter writer,
    IEventPublisher events,
    SnowflakeIdGenerator ids,
    TimeProvider time,
    IWebhookStore webhooks,
    WebhookDeliverySignal deliverySignal)
{
    public RoomMessaging Create(string roomId, string? panelId) => new(roomId, panelId, messages, writer, events, ids, time)
    {
        Webhooks = new RoomWebhooks(roomId, panelId, webhooks, deliverySignal, time),
    };
}
