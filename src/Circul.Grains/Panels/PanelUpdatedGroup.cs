using Circul.Grains.Events;

namespace Circul.Grains.Panels;

/// <summary>One variant of <c>panel_updated</c>: who receives it, and which channels its categories list (null: all of
/// them, when every member sees the same panel).</summary>
public sealed record PanelUpdatedGroup(EventAudience Audience, IReadOnlySet<string>? VisibleChannels)
{
    public bool IsVisible(string channelId) => VisibleChannels?.Contains(channelId) ?? true;
}
