namespace Circul.Client;

/// <summary>A ban of a user from a panel.</summary>
public sealed record PanelBan
{
    /// <summary>The panel.</summary>
    public string PanelId { get; init; } = "";

    /// <summary>The banned user.</summary>
    public string UserId { get; init; } = "";

    /// <summary>The reason given.</summary>
    public string Reason { get; init; } = "";
}
