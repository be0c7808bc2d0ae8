using Orleans;

namespace Circul.Grains.Panels;

/// <summary>A channel's allow/deny for one role (<c>everyone</c> for the everyone role).</summary>
[GenerateSerializer, Immutable, Alias("circul.ChannelOverride")]
public sealed record ChannelOverride(string RoleId, Permission Allow, Permission Deny);
