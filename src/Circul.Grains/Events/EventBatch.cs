using Orleans;

namespace Circul.Grains.Events;

/// <summary>Events one silo sends another, in the order they were published there. <see cref="Sequence"/> counts the
/// batches of one sender and target, so the receiver can tell a retry from a new batch; <see cref="EventsLost"/> says the
/// sender had to drop events for this target (it was slow or unreachable past the queue bound) before this batch.</summary>
[GenerateSerializer, Immutable, Alias("circul.EventBatch")]
public sealed record EventBatch(
    [property: Id(0)] string Sender,
    [property: Id(1)] long Sequence,
    [property: Id(2)] OutboundEvent[] Events,
    [property: Id(3)] bool EventsLost);
