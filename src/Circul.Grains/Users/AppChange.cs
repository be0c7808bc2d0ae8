using Orleans;

namespace Circul.Grains.Users;

/// <summary>A partial update of a bot application: null fields are left unchanged.</summary>
[GenerateSerializer, Immutable, Alias("circul.AppChange")]
public sealed record AppChange(string? Name = null, string? Description = null, IReadOnlyList<string>? RedirectUris = null);
