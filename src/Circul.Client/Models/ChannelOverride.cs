namespace Circul.Client;

/// <summary>A channel's permission override for one role (<c>everyone</c> for the everyone role).</summary>
public sealed record ChannelOverride
{
    /// <summary>The role id, or <c>everyone</c>.</summary>
    public string RoleId { get; init; } = "";

    /// <summary>Permissions granted in the channel.</summary>
    public IReadOnlyList<string> Allow { get; init; } = [];

    /// <summary>Permissions removed in the channel.</summary>
    public IReadOnlyList<string> Deny { get; init; } = [];
}
