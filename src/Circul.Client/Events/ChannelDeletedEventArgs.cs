namespace Circul.Client;

/// <summary><c>panel_channel_deleted</c> (already removed from the cache).</summary>
public sealed record ChannelDeletedEventArgs
{
    /// <summary>The panel.</summary>
    public string PanelId { get; init; } = "";

    /// <summary>The deleted channel.</summary>
    public string ChannelId { get; init; } = "";

    /// <summary>The channel as it was cached, if it was.</summary>
    public PanelChannel? Channel { get; init; }
}
