namespace Circul.Client;

/// <summary>A 429 the client received (and is about to wait out, or gives up on).</summary>
public sealed record RateLimitInfo
{
    /// <summary>The HTTP method of the limited call.</summary>
    public string Method { get; init; } = "";

    /// <summary>The path of the limited call.</summary>
    public string Path { get; init; } = "";

    /// <summary>The wait the server asked for (body <c>retry_after</c>, else the <c>Retry-After</c> header).</summary>
    public TimeSpan RetryAfter { get; init; }

    /// <summary>Whether the token's overall limit tripped.</summary>
    public bool Global { get; init; }

    /// <summary>Whether the client retries the call after the wait.</summary>
    public bool WillRetry { get; init; }
}
