using System.Text.Json;
using Circul.Contracts;

namespace Circul.Grains.Events;

/// <summary>An event serialized once, with its audience. <see cref="Body"/> is the envelope without its opening
/// brace (<c>"type":"…","payload":{…}}</c>) so that each session splices its own <c>{"seq":N,</c> in front.</summary>
public sealed class OutboundEvent
{
    private OutboundEvent(string type, ReadOnlyMemory<byte> body, IReadOnlyCollection<string> recipients, Func<string, bool>? filter)
    {
        Type = type;
        Body = body;
        Recipients = recipients;
        Filter = filter;
    }

    public string Type { get; }

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Candidate recipients (user ids).</summary>
    public IReadOnlyCollection<string> Recipients { get; }

    /// <summary>When set, only candidates for which it answers true receive the event (panel view checks).</summary>
    public Func<string, bool>? Filter { get; }

    public static OutboundEvent Create<T>(string type, T payload, IReadOnlyCollection<string> recipients, Func<string, bool>? filter = null)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new Envelope<T>(type, payload), CirculJson.Options);
        return new OutboundEvent(type, bytes.AsMemory(1), recipients, filter);
    }

    private sealed record Envelope<T>(string Type, T Payload);
}
