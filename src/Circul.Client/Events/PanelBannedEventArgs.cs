namespace Circul.Client;

/// <summary><c>panel_banned</c>: this bot was banned from a panel (already removed from the cache).</summary>
public sealed record PanelBannedEventArgs
{
    /// <summary>The panel.</summary>
    public string PanelId { get; init; } = "";

    /// <summary>The panel's name.</summary>
    public string PanelName { get; init; } = "";

    /// <summary>The reason given.</summary>
    public string Reason { get; init; } = "";
}
