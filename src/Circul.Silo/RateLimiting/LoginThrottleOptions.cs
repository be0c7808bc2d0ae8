namespace Circul.Silo.RateLimiting;

/// <summary>Bound from <c>Circul:LoginThrottle</c>: failed logins per username and per client address, per silo.</summary>
public sealed class LoginThrottleOptions
{
    public const string SectionName = "Circul:LoginThrottle";

    public bool Enabled { get; set; } = true;

    /// <summary>Failed logins for one username within the window before it is locked.</summary>
    public int FailuresPerUsername { get; set; } = 5;

    /// <summary>Failed logins from one client address (an IPv6 address counts by its /64) within the window before it
    /// is locked. Higher than the username's: people behind one NAT share an address.</summary>
    public int FailuresPerAddress { get; set; } = 20;

    /// <summary>A counter with no failure for this long starts again from zero (and is forgotten).</summary>
    public int WindowSeconds { get; set; } = 900;

    /// <summary>The lock after the last allowed failure; each further failure doubles it.</summary>
    public int FirstLockMs { get; set; } = 1000;

    /// <summary>The longest lock.</summary>
    public int MaxLockSeconds { get; set; } = 300;

    /// <summary>Counters kept at most; past it, counters that hold no lock are dropped first.</summary>
    public int MaxEntries { get; set; } = 100_000;
}
