namespace Circul.Client;

/// <summary>A text channel of a panel.</summary>
public sealed record PanelChannel
{
    /// <summary>The id (<c>ch-…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The panel it belongs to.</summary>
    public string PanelId { get; init; } = "";

    /// <summary>The name, e.g. <c>general</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>Its category, if any.</summary>
    public string? CategoryId { get; init; }

    /// <summary>The topic.</summary>
    public string Topic { get; init; } = "";

    /// <summary>The position.</summary>
    public int Position { get; init; }

    /// <summary>The permission overrides per role.</summary>
    public IReadOnlyList<ChannelOverride> Overrides { get; init; } = [];

    /// <summary>The caller's unread count (as of when the channel object was produced).</summary>
    public int UnreadCount { get; init; }
}
