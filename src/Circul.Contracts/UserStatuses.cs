namespace Circul.Contracts;

/// <summary>The presence statuses a user can have.</summary>
public static class UserStatuses
{
    public const string Online = "online";
    public const string Away = "away";
    public const string Busy = "busy";
    public const string Offline = "offline";

    /// <summary>Whether <paramref name="status"/> is one of the four statuses.</summary>
    public static bool IsValid(string? status) => status is Online or Away or Busy or Offline;
}
