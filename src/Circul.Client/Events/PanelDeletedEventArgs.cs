namespace Circul.Client;

/// <summary><c>panel_deleted</c> (already removed from the cache).</summary>
public sealed record PanelDeletedEventArgs
{
    /// <summary>The deleted panel.</summary>
    public string PanelId { get; init; } = "";

    /// <summary>The panel as it was cached, if it was.</summary>
    public Panel? Panel { get; init; }
}
