namespace Circul.Client;

/// <summary><c>status_change</c>: a user's effective presence changed.</summary>
public sealed record StatusChangedEventArgs
{
    /// <summary>The user.</summary>
    public string UserId { get; init; } = "";

    /// <summary>The new status (see <see cref="UserStatus"/>).</summary>
    public string Status { get; init; } = "";
}
