using System.Globalization;
using Circul.Grains;
using Circul.Grains.Conversations;
using Circul.Silo.Infrastructure;

namespace Circul.Silo.Api;

/// <summary>Reading message bodies and paging queries; shared by every room's routes.</summary>
public static class MessageRequests
{
    public const int MaxIdempotencyKeyLength = 255;
    public const int MaxEmojiLength = 32;

    public static async Task<MessageDraft> ReadDraftAsync(HttpContext context, LimitsOptions limits)
    {
        using var body = await JsonBody.ReadAsync(context, limits.MaxBodyBytes);
        var text = body.RequireString("text", 1, limits.MaxTextLength, trim: true);
        return new MessageDraft(
            text,
            body.OptionalBool("bold") ?? false,
            body.OptionalBool("italic") ?? false,
            body.OptionalStringArray("mentions", limits.MaxMentions, 64) ?? [],
            body.OptionalString("reply_to_id", 1, 64));
    }

    public static async Task<string> ReadTextAsync(HttpContext context, LimitsOptions limits)
    {
        using var body = await JsonBody.ReadAsync(context, limits.MaxBodyBytes);
        return body.RequireString("text", 1, limits.MaxTextLength, trim: true);
    }

    public static async Task<string> ReadEmojiAsync(HttpContext context, LimitsOptions limits)
    {
        using var body = await JsonBody.ReadAsync(context, limits.MaxBodyBytes);
        return body.RequireString("emoji", 1, MaxEmojiLength, trim: true);
    }

    public static string ValidateEmoji(string emoji)
    {
        emoji = emoji.Trim();
        if (emoji.Length is 0 or > MaxEmojiLength)
        {
            throw ApiException.BadRequest($"emoji must be 1..{MaxEmojiLength} characters");
        }

        return emoji;
    }

    public static string? IdempotencyKey(HttpContext context)
    {
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length == 0)
        {
            return null;
        }

        return key.Length > MaxIdempotencyKeyLength
            ? throw ApiException.BadRequest($"Idempotency-Key must be at most {MaxIdempotencyKeyLength} characters")
            : key;
    }

    /// <summary>Reads <c>limit</c> (1..100, default 50), <c>before</c> and <c>after</c> (message ids).</summary>
    public static (int Limit, string? Before, string? After) ReadPaging(HttpContext context)
    {
        if (!TryReadLimit(context.Request.Query, 100, out var limit))
        {
            throw ApiException.BadRequest("limit must be an integer from 1 to 100");
        }

        return (limit, ReadCursor(context, "before"), ReadCursor(context, "after"));
    }

    /// <summary>Reads the <c>limit</c> query (default 50): false when it is present but not an integer from 1 to
    /// <paramref name="max"/>. Parsed by hand rather than bound as <c>int?</c>: the framework's binder answers an
    /// unparsable value with an empty 400.</summary>
    public static bool TryReadLimit(IQueryCollection query, int max, out int limit)
    {
        limit = 50;
        return !query.TryGetValue("limit", out var text)
            || (int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit >= 1 && limit <= max);
    }

    private static string? ReadCursor(HttpContext context, string name)
    {
        if (!context.Request.Query.TryGetValue(name, out var value))
        {
            return null;
        }

        var id = value.ToString();
        if (!IsMessageId(id))
        {
            throw ApiException.BadRequest($"{name} must be a message id");
        }

        return id;
    }

    public static bool IsMessageId(string id) =>
        id.Length == 20 && id.StartsWith("msg-", StringComparison.Ordinal) && id.AsSpan(4).ContainsAnyExcept("0123456789abcdef") is false;
}
