using Circul.Contracts;
using Circul.Grains.Events;

namespace Circul.Silo.Gateway;

/// <summary>Bodies (envelopes without their opening brace) the gateway sends itself.</summary>
internal static class GatewayBodies
{
    private static readonly EventAudience NoRecipients = EventAudience.Users([]);

    /// <summary><c>"type":"pong"}</c>: the answer to a client's <c>{"type":"ping"}</c>.</summary>
    public static ReadOnlyMemory<byte> Pong { get; } = "\"type\":\"pong\"}"u8.ToArray();

    /// <summary><c>invalid_session</c> with <c>{"resumable": false}</c>.</summary>
    public static ReadOnlyMemory<byte> InvalidSession { get; } =
        OutboundEvent.Create(EventTypes.InvalidSession, new InvalidSessionPayload(false), NoRecipients).Body;

    public static ReadOnlyMemory<byte> Ready(UserDto user, string sessionId, int heartbeatIntervalMs) =>
        OutboundEvent.Create(EventTypes.Ready, new ReadyPayload(user, sessionId, heartbeatIntervalMs), NoRecipients).Body;

    public static ReadOnlyMemory<byte> Resumed(string sessionId) =>
        OutboundEvent.Create(EventTypes.Resumed, new ResumedPayload(sessionId), NoRecipients).Body;
}
