namespace Circul.Client;

/// <summary>Settings of <see cref="CirculRestClient"/>.</summary>
public sealed class CirculRestOptions
{
    /// <summary>How often one call is retried after a 429 (default 3).</summary>
    public int MaxRateLimitRetries { get; set; } = 3;

    /// <summary>A 429 asking for a longer wait than this is thrown at once (default 60 s).</summary>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a call that may safely be repeated (reads, deletes, and message sends, which carry an
    /// <c>Idempotency-Key</c>) is retried after a network error or a 502/503/504 (default 2).</summary>
    public int MaxTransientRetries { get; set; } = 2;

    /// <summary>Wait before the first transient retry; doubled for each further one (default 500 ms).</summary>
    public TimeSpan TransientRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether a bucket whose <c>X-RateLimit-Remaining</c> reached 0 is waited out before the next call
    /// instead of provoking a 429 (Discord.Net's behaviour; default true).</summary>
    public bool WaitForExhaustedBuckets { get; set; } = true;

    /// <summary>The token's scheme: <c>Bot</c> or <c>Bearer</c>. Null (the default) picks it from the token's prefix
    /// (<c>cb_</c>: Bot, <c>cu_</c>: Bearer).</summary>
    public string? TokenScheme { get; set; }

    /// <summary>The clock used for rate-limit waits.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
