namespace Circul.Grains.Users;

/// <summary>Bound from <c>Circul:Presence</c>.</summary>
public sealed class PresenceOptions
{
    /// <summary>Panels with more members than this do not fan presence (status_change, user_updated, avatar_updated) out.</summary>
    public int LargePanelThreshold { get; set; } = 1000;
}
