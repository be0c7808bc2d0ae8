namespace Circul.Silo.RateLimiting;

/// <summary>Marks a message-send endpoint: it is limited per token and room as well as globally.</summary>
public sealed class MessageSendMetadata
{
    public static MessageSendMetadata Instance { get; } = new();
}
