namespace Circul.Silo.Webhooks;

/// <summary>Webhook delivery settings (<c>Circul:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Circul:Webhooks";

    /// <summary>Allows deliveries to loopback, private, link-local, multicast and other non-public addresses. Off by
    /// default (the SSRF guard); tests on loopback turn it on.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>One attempt's deadline: connect, send, and read the answer.</summary>
    public int TimeoutMs { get; set; } = 10_000;

    /// <summary>Attempts in all (the first one included) for 5xx answers, timeouts and connection errors.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before the second attempt; each further wait doubles it.</summary>
    public int RetryBaseDelayMs { get; set; } = 1_000;

    /// <summary>Deliveries in flight at once on one silo.</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>The most of an answer's body that is read; a longer answer counts as delivered but posts no reply.</summary>
    public int MaxResponseBytes { get; set; } = 65_536;

    /// <summary>How often a silo looks for due deliveries besides being woken by its own (others' retries, leftovers
    /// of a stopped silo).</summary>
    public int PollIntervalMs { get; set; } = 1_000;

    /// <summary>How long a claimed delivery stays leased to its silo beyond the attempt timeout (a silo that dies with
    /// a lease leaves the row to the others once it expires).</summary>
    public int LeaseMarginMs { get; set; } = 30_000;
}
