namespace Circul.Client;

/// <summary>A category of a panel.</summary>
public sealed record PanelCategory
{
    /// <summary>The id (<c>cat-…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The channels in the category, in order.</summary>
    public IReadOnlyList<string> ChannelIds { get; init; } = [];
}
