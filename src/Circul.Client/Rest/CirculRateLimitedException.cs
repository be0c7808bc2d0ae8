using System.Net;

namespace Circul.Client;

/// <summary>A 429 that was not retried: the retries were used up, or the wait was longer than
/// <see cref="CirculRestOptions.MaxRateLimitWait"/>.</summary>
public sealed class CirculRateLimitedException : CirculApiException
{
    /// <summary>Creates the exception from the 429's body and headers.</summary>
    public CirculRateLimitedException(string error, string method, string path, TimeSpan retryAfter, bool global)
        : base(HttpStatusCode.TooManyRequests, error, method, path)
    {
        RetryAfter = retryAfter;
        Global = global;
    }

    /// <summary>How long the server asked to wait.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>Whether the token's overall limit tripped (rather than one route's bucket).</summary>
    public bool Global { get; }
}
