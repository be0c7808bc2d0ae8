using System.Text;

namespace Circul.Client;

/// <summary>Splits <c>!name a "b c"</c> into the name and its arguments.</summary>
internal static class CommandParser
{
    public static bool TryParse(string text, string prefix, out string name, out IReadOnlyList<string> args, out string rawArgs)
    {
        name = "";
        args = [];
        rawArgs = "";
        var trimmed = text.TrimStart();
        if (prefix.Length == 0 || !trimmed.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = trimmed[prefix.Length..];
        var end = 0;
        while (end < rest.Length && !char.IsWhiteSpace(rest[end]))
        {
            end++;
        }

        if (end == 0)
        {
            return false;
        }

        name = rest[..end].ToLowerInvariant();
        rawArgs = rest[end..].Trim();
        args = Split(rawArgs);
        return true;
    }

    private static List<string> Split(string raw)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in raw)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any)
                {
                    result.Add(current.ToString());
                    current.Clear();
                    any = false;
                }
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }

        if (any)
        {
            result.Add(current.ToString());
        }

        return result;
    }
}
