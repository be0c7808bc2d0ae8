using System.Text.Json;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>One server frame: <c>{"type", "payload", "seq"}</c> (<c>pong</c> has neither payload nor seq).</summary>
public sealed record GatewayEvent(string Type, JsonElement Payload, long? Seq, string Raw)
{
    public static GatewayEvent Parse(string raw)
    {
        try
        {
            using var doc = JsonDocument.Parse(raw);
            var root = doc.RootElement;
            var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "(no type)";
            var payload = root.TryGetProperty("payload", out var p) ? p.Clone() : default;
            long? seq = root.TryGetProperty("seq", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : null;
            return new GatewayEvent(type, payload, seq, raw);
        }
        catch (JsonException)
        {
            return new GatewayEvent("(not json)", default, null, raw);
        }
    }

    public override string ToString() => ApiResponse.Truncate(Raw, 300);
}
