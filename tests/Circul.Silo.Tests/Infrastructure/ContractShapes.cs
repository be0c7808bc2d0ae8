using System.Globalization;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>The object shapes of API.md sections 3-5, asserted field by field.</summary>
public static class ContractShapes
{
    public static readonly string[] Statuses = ["online", "away", "busy", "offline"];

    public static void AssertUser(JsonElement user)
    {
        var id = user.Str("id");
        user.Str("name");
        var isBot = user.Bool("is_bot");
        Assert.True(id.StartsWith(isBot ? "bot-" : "u-", StringComparison.Ordinal), $"user id '{id}' should start with {(isBot ? "bot-" : "u-")}");
        var owner = user.NullableStr("owner_id");
        if (isBot)
        {
            Assert.True(owner is not null && owner.StartsWith("u-", StringComparison.Ordinal), $"a bot's owner_id should be a human id: {user}");
        }
        else
        {
            Assert.Null(owner);
        }

        Assert.Contains(user.Str("status"), Statuses);
        AssertStringOrNull(user, "mood");
        AssertStringOrNull(user, "bio");
        user.Str("avatar_url");
        user.Str("banner_url");
        foreach (var property in user.EnumerateObject())
        {
            Assert.False(property.Name.Contains("password", StringComparison.OrdinalIgnoreCase)
                || property.Name.Contains("hash", StringComparison.OrdinalIgnoreCase)
                || property.Name.Contains("token", StringComparison.OrdinalIgnoreCase),
                $"the user object must not carry secrets, found '{property.Name}': {user}");
        }
    }

    public static void AssertConversation(JsonElement conv, string kind)
    {
        Assert.StartsWith("c-", conv.Str("id"), StringComparison.Ordinal);
        Assert.Equal(kind, conv.Str("kind"));
        conv.Items("member_ids");
        AssertTimestamp(conv.Str("created_at"));
        conv.NullableStr("last_message_id");
        if (kind == "group")
        {
            conv.Str("name");
            conv.Str("owner_id");
        }
    }

    public static void AssertMessage(JsonElement message)
    {
        Assert.StartsWith("msg-", message.Str("id"), StringComparison.Ordinal);
        message.Str("conv_id");
        Assert.Null(message.NullableStr("panel_id"));
        Assert.Null(message.NullableStr("channel_id"));
        var senderId = message.Str("sender_id");
        var sender = message.Prop("sender");
        Assert.Equal(senderId, sender.Str("id"));
        sender.Str("name");
        sender.Bool("is_bot");
        sender.Str("avatar_url");
        message.Str("text");
        message.Bool("bold");
        message.Bool("italic");
        message.Items("mentions");
        message.NullableStr("reply_to_id");
        message.Items("reactions");
        Assert.False(message.Bool("is_system"));
        AssertTimestamp(message.Str("created_at"));
        var edited = message.NullableStr("edited_at");
        if (edited is not null)
        {
            AssertTimestamp(edited);
        }
    }

    /// <summary>ISO 8601 UTC, e.g. <c>2026-11-21T10:00:00.123Z</c>.</summary>
    public static DateTimeOffset AssertTimestamp(string value)
    {
        Assert.True(value.EndsWith('Z') && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
            $"'{value}' should be an ISO 8601 UTC timestamp ending in Z");
        var parsed = DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.True(Math.Abs((parsed - DateTimeOffset.UtcNow).TotalHours) < 1, $"timestamp '{value}' should be about now");
        return parsed;
    }

    private static void AssertStringOrNull(JsonElement element, string name)
    {
        var value = element.Prop(name);
        Assert.True(value.ValueKind is JsonValueKind.String or JsonValueKind.Null, $"'{name}' should be a string: {element}");
    }
}
