using System.Text.Json;

namespace Circul.Client;

/// <summary>A gateway event as received (for event types this SDK does not know yet).</summary>
public sealed record GatewayEvent
{
    /// <summary>The event type, e.g. <c>panel_message</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary>The sequence number within the session, or null for unsequenced frames.</summary>
    public long? Seq { get; init; }

    /// <summary>The payload.</summary>
    public JsonElement Payload { get; init; }
}
