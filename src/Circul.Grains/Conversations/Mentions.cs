using System.Text.RegularExpressions;

namespace Circul.Grains.Conversations;

/// <summary>Mention parsing shared by every kind of room.</summary>
public static partial class Mentions
{
    /// <summary>The explicit mentions plus every <c>&lt;@id&gt;</c> in the text, distinct, in first-seen order,
    /// keeping only users <paramref name="canSeeRoom"/> accepts.</summary>
    public static IReadOnlyList<string> Resolve(string text, IReadOnlyList<string> explicitMentions, Func<string, bool> canSeeRoom)
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in explicitMentions)
        {
            if (seen.Add(id) && canSeeRoom(id))
            {
                result.Add(id);
            }
        }

        foreach (Match match in MentionPattern().Matches(text))
        {
            var id = match.Groups[1].Value;
            if (seen.Add(id) && canSeeRoom(id))
            {
                result.Add(id);
            }
        }

        return result;
    }

    [GeneratedRegex("<@([A-Za-z0-9_-]{1,64})>", RegexOptions.CultureInvariant)]
    private static partial Regex MentionPattern();
}
