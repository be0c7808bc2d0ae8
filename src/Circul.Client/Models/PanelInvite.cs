namespace Circul.Client;

/// <summary>An invite code to a panel.</summary>
public sealed record PanelInvite
{
    /// <summary>The code to accept.</summary>
    public string Code { get; init; } = "";

    /// <summary>The panel.</summary>
    public string PanelId { get; init; } = "";

    /// <summary>When it expires, or null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>How many times it may be used (0: unlimited).</summary>
    public int MaxUses { get; init; }

    /// <summary>How many times it was used.</summary>
    public int Uses { get; init; }
}
