using Orleans;

namespace Circul.Grains.Users;

/// <summary>A partial profile update: null fields are left unchanged.</summary>
[GenerateSerializer, Immutable, Alias("circul.ProfileChange")]
public sealed record ProfileChange(string? Name = null, string? Bio = null, string? Mood = null, string? Status = null);
