using Circul.Grains.Events;

namespace Circul.Grains.Panels;

/// <summary>A channel whose visibility changed between two snapshots for some members: those who lost sight of it get
/// <c>panel_channel_deleted</c> (<see cref="Lost"/>), those who gained it <c>panel_channel_created</c>
/// (<see cref="Gained"/>).</summary>
public sealed record ChannelViewChange(string ChannelId, EventAudience Lost, EventAudience Gained);
