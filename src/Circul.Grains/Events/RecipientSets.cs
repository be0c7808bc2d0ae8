namespace Circul.Grains.Events;

/// <summary>Membership tests on event recipient collections, which are often sets (a panel's members, a room's).</summary>
public static class RecipientSets
{
    /// <summary>A constant-time membership test when <paramref name="recipients"/> is a set; false for other collections.</summary>
    public static bool TryGetContains(IReadOnlyCollection<string> recipients, out Func<string, bool> contains)
    {
        switch (recipients)
        {
            case IReadOnlySet<string> readOnlySet:
                contains = readOnlySet.Contains;
                return true;
            case ISet<string> set:
                contains = set.Contains;
                return true;
            default:
                contains = static _ => false;
                return false;
        }
    }

    /// <summary>Whether <paramref name="userId"/> is among <paramref name="recipients"/> (a set lookup where possible).</summary>
    public static bool Contains(IReadOnlyCollection<string> recipients, string userId) =>
        TryGetContains(recipients, out var contains) ? contains(userId) : recipients.Contains(userId);
}
