using System.Text.Json;
using Circul.Contracts;
using Orleans;

namespace Circul.Grains.Events;

/// <summary>An event serialized once, with its audience as data. <see cref="Envelope"/> is the JSON
/// <c>{"type":"…","payload":{…}}</c>; <see cref="Body"/> is the same bytes without the opening brace, so that each
/// session splices its own <c>{"seq":N,</c> in front. The bytes travel between silos as they are.</summary>
[GenerateSerializer, Immutable, Alias("circul.OutboundEvent")]
public sealed class OutboundEvent
{
    private const string SnapshotNoticeType = "circul.snapshot";

    public OutboundEvent(string type, byte[] envelope, EventAudience audience)
    {
        Type = type;
        Envelope = envelope;
        Audience = audience;
    }

    [Id(0)]
    public string Type { get; }

    [Id(1)]
    public byte[] Envelope { get; }

    [Id(2)]
    public EventAudience Audience { get; }

    public ReadOnlyMemory<byte> Body => Envelope.AsMemory(1);

    /// <summary>Not for sockets: tells a silo that a panel's snapshot reached a version (see
    /// <see cref="IEventPublisher.AnnounceSnapshot"/>).</summary>
    public bool IsSnapshotNotice => Envelope.Length == 0;

    public static OutboundEvent SnapshotNotice(string panelId, long version) =>
        new(SnapshotNoticeType, [], EventAudience.PanelMembers(panelId, version));

    public static OutboundEvent Create<T>(string type, T payload, EventAudience audience)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new Frame<T>(type, payload), CirculJson.Options);
        return new OutboundEvent(type, bytes, audience);
    }

    private sealed record Frame<T>(string Type, T Payload);
}
