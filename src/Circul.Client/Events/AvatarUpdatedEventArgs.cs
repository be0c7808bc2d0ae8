namespace Circul.Client;

/// <summary><c>avatar_updated</c>.</summary>
public sealed record AvatarUpdatedEventArgs
{
    /// <summary>The user.</summary>
    public string UserId { get; init; } = "";

    /// <summary>The new avatar URL path, or empty when removed.</summary>
    public string AvatarUrl { get; init; } = "";
}
