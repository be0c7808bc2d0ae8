namespace Circul.Client;

/// <summary>A user (human or bot) as the server shows it.</summary>
public sealed record CirculUser
{
    /// <summary>The id: <c>u-…</c> for humans, <c>bot-…</c> for bots.</summary>
    public string Id { get; init; } = "";

    /// <summary>The display name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Whether the user is a bot.</summary>
    public bool IsBot { get; init; }

    /// <summary>The owning human of a bot; null for humans.</summary>
    public string? OwnerId { get; init; }

    /// <summary><c>online</c>, <c>away</c>, <c>busy</c> or <c>offline</c> (see <see cref="UserStatus"/>).</summary>
    public string Status { get; init; } = "";

    /// <summary>The free-text mood (at most 128 characters).</summary>
    public string Mood { get; init; } = "";

    /// <summary>The profile text.</summary>
    public string Bio { get; init; } = "";

    /// <summary>The avatar's URL path, or empty when there is none.</summary>
    public string AvatarUrl { get; init; } = "";

    /// <summary>The banner's URL path, or empty when there is none.</summary>
    public string BannerUrl { get; init; } = "";
}
