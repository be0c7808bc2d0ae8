namespace Circul.Client;

/// <summary>The presence statuses a user can set.</summary>
public static class UserStatus
{
    /// <summary>Available.</summary>
    public const string Online = "online";

    /// <summary>Away from the keyboard.</summary>
    public const string Away = "away";

    /// <summary>Busy, e.g. while a bot runs a long task.</summary>
    public const string Busy = "busy";

    /// <summary>Offline, or "appear offline" when set while connected.</summary>
    public const string Offline = "offline";
}
