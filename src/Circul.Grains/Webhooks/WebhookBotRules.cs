using System.Text.Json;

namespace Circul.Grains.Webhooks;

/// <summary>The consumer API's rules for a webhook bot (API section 11): reading a JSON body onto a configuration
/// (a field of the wrong JSON type is an error; unknown fields are ignored) and validating the whole result, the
/// trigger/visibility conflict included. Pure: the same rules for create and for PATCH.</summary>
public static class WebhookBotRules
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 1000;
    public const int MaxHistoryLimit = 100;
    public const int MaxMetadataLength = 10000;
    public const int MaxUrlLength = 2048;

    /// <summary>Applies the fields present in <paramref name="body"/> to <paramref name="current"/>, then validates the
    /// result; throws <see cref="ConsumerApiException"/> (400) naming the first bad field.</summary>
    public static WebhookBotConfig Apply(WebhookBotConfig current, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw ConsumerApiException.Invalid("body must be a JSON object");
        }

        var c = current;
        foreach (var p in body.EnumerateObject())
        {
            c = p.Name switch
            {
                "name" => c with { Name = String(p) },
                "description" => c with { Description = String(p) },
                "trigger" => c with { Trigger = String(p) },
                "messageVisibility" => c with { Visibility = String(p) },
                "isAllowedInAllChatRooms" => c with { AllRooms = Bool(p) },
                "messageHistoryLimit" => c with { HistoryLimit = HistoryLimit(p) },
                "webhookURL" => c with { WebhookUrl = String(p) },
                "metadata" => c with { Metadata = p.Value.ValueKind == JsonValueKind.Null ? null : String(p) },
                "enabled" => c with { Enabled = Bool(p) },
                _ => c,
            };
        }

        Validate(c);
        return c;
    }

    /// <summary>Validates a whole configuration; throws <see cref="ConsumerApiException"/> (400).</summary>
    public static void Validate(WebhookBotConfig c)
    {
        if (c.Name is null)
        {
            throw ConsumerApiException.Invalid("name is required");
        }

        var name = c.Name.Trim();
        if (name.Length is 0 or > MaxNameLength)
        {
            throw ConsumerApiException.Invalid($"name must be 1..{MaxNameLength} characters");
        }

        if (HasControlCharacters(name))
        {
            throw ConsumerApiException.Invalid("name must not contain control characters");
        }

        if (c.Description.Length > MaxDescriptionLength)
        {
            throw ConsumerApiException.Invalid($"description must be at most {MaxDescriptionLength} characters");
        }

        if (c.Trigger is not (WebhookTriggers.Message or WebhookTriggers.Mention))
        {
            throw ConsumerApiException.Invalid("trigger must be \"message\" or \"mention\"");
        }

        if (c.Visibility is not (WebhookTriggers.Public or WebhookTriggers.Private))
        {
            throw ConsumerApiException.Invalid("messageVisibility must be \"public\" or \"private\"");
        }

        if (c.HistoryLimit is < 0 or > MaxHistoryLimit)
        {
            throw ConsumerApiException.Invalid($"messageHistoryLimit must be an integer from 0 to {MaxHistoryLimit}");
        }

        if (c.WebhookUrl is null)
        {
            throw ConsumerApiException.Invalid("webhookURL is required");
        }

        if (c.WebhookUrl.Length > MaxUrlLength)
        {
            throw ConsumerApiException.Invalid($"webhookURL must be at most {MaxUrlLength} characters");
        }

        if (!IsHttpUrl(c.WebhookUrl))
        {
            throw ConsumerApiException.Invalid("webhookURL must be an absolute http or https URI");
        }

        if (c.Metadata is not null)
        {
            if (c.Metadata.Length > MaxMetadataLength)
            {
                throw ConsumerApiException.Invalid($"metadata must be at most {MaxMetadataLength} characters");
            }

            if (!IsJson(c.Metadata))
            {
                throw ConsumerApiException.Invalid("metadata must be a string of valid JSON");
            }
        }

        if (c.Trigger == WebhookTriggers.Message && c.Visibility == WebhookTriggers.Private)
        {
            throw new ConsumerApiException(400, ConsumerApiException.ConflictMessage);
        }
    }

    /// <summary>An absolute http or https URI with a host (no other scheme, no relative reference).</summary>
    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host);

    private static bool IsJson(string value)
    {
        try
        {
            using var _ = JsonDocument.Parse(value);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool HasControlCharacters(string value) =>
        value.AsSpan().ContainsAnyInRange('\u0000', '\u001F') || value.AsSpan().ContainsAnyInRange('\u007F', '\u009F');

    private static string String(JsonProperty p) =>
        p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw ConsumerApiException.Invalid($"{p.Name} must be a string");

    private static bool Bool(JsonProperty p) => p.Value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw ConsumerApiException.Invalid($"{p.Name} must be a boolean"),
    };

    private static int HistoryLimit(JsonProperty p)
    {
        if (p.Value.ValueKind != JsonValueKind.Number)
        {
            throw ConsumerApiException.Invalid($"{p.Name} must be a number");
        }

        return p.Value.TryGetInt32(out var n) && n is >= 0 and <= MaxHistoryLimit
            ? n
            : throw ConsumerApiException.Invalid($"{p.Name} must be an integer from 0 to {MaxHistoryLimit}");
    }
}
