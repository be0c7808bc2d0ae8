using Orleans;

namespace Circul.Grains.Panels;

// Partial updates of panel parts: null fields are left unchanged.

/// <summary>A channel update. <see cref="CategoryId"/> "" moves the channel out of any category.</summary>
[GenerateSerializer, Immutable, Alias("circul.ChannelChange")]
public sealed record ChannelChange(string? Name = null, string? CategoryId = null, string? Topic = null, int? Position = null);

/// <summary>A role create or update.</summary>
[GenerateSerializer, Immutable, Alias("circul.RoleChange")]
public sealed record RoleChange(string? Name = null, string? Color = null, int? Position = null, Permission? Permissions = null);
