namespace Circul.Silo.RateLimiting;

/// <summary>Bound from <c>Circul:RateLimits</c>. Limits hold per silo.</summary>
public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Message sends per second per token per room.</summary>
    public int MessagesPerSecond { get; set; } = 10;

    /// <summary>Requests per second per token over all routes.</summary>
    public int RequestsPerSecond { get; set; } = 50;
}
