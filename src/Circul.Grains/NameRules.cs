using System.Diagnostics.CodeAnalysis;

namespace Circul.Grains;

/// <summary>Rules every name-like field shares (display, app, group, panel, channel, category and role names).</summary>
public static class NameRules
{
    /// <summary>Refuses a name that contains a C0 (U+0000–U+001F), DEL (U+007F) or C1 (U+0080–U+009F) control
    /// character, with a 400 naming <paramref name="field"/>. Names end up in logs, notifications and other clients'
    /// single-line UI, where CR, LF or NUL forge lines or cut the text short. Null passes (an absent optional field).</summary>
    /// <returns>The value itself, so a call can wrap the read of the field.</returns>
    [return: NotNullIfNotNull(nameof(value))]
    public static string? RequireNoControlCharacters(string? value, string field)
    {
        if (value is not null && (value.AsSpan().ContainsAnyInRange('\u0000', '\u001F') || value.AsSpan().ContainsAnyInRange('\u007F', '\u009F')))
        {
            throw ApiException.BadRequest($"{field} must not contain control characters");
        }

        return value;
    }
}
