using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Circul.Grains;

namespace Circul.Silo.Infrastructure;

/// <summary>A request's JSON object, read with a size cap, with typed accessors whose errors name the field.
/// Parsing by hand (rather than model binding) is what lets every 400 say which field is wrong and why.</summary>
public sealed class JsonBody : IDisposable
{
    private readonly JsonDocument _document;

    private JsonBody(JsonDocument document) => _document = document;

    private JsonElement Root => _document.RootElement;

    public static async Task<JsonBody> ReadAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            throw ApiException.TooLarge($"request body is larger than {maxBytes} bytes");
        }

        var buffer = new ArrayBufferWriter<byte>(
            (int)Math.Min(request.ContentLength is > 0 ? request.ContentLength.Value : 4096, maxBytes) + 1);
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            var read = await request.Body.ReadAsync(memory, context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                throw ApiException.TooLarge($"request body is larger than {maxBytes} bytes");
            }
        }

        if (buffer.WrittenCount == 0)
        {
            throw ApiException.BadRequest("request body must be a JSON object");
        }

        // The JSON reader does not check the UTF-8 inside strings: an invalid sequence would only surface when a
        // handler reads the field (as a 500). Checking the whole body here keeps every JSON route a 400.
        if (!Utf8.IsValid(buffer.WrittenSpan))
        {
            throw ApiException.BadRequest("invalid JSON body: not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            throw ApiException.BadRequest("malformed JSON body");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw ApiException.BadRequest("request body must be a JSON object");
        }

        return new JsonBody(document);
    }

    /// <summary>Whether the field is present and not null.</summary>
    public bool Has(string name) => Root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public string RequireString(string name, int minLength, int maxLength, bool trim = false) =>
        OptionalString(name, minLength, maxLength, trim) ?? throw ApiException.BadRequest($"{name} is required");

    /// <summary>The string field, or null when absent or null. Lengths count UTF-16 characters after trimming.</summary>
    public string? OptionalString(string name, int minLength, int maxLength, bool trim = false)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw ApiException.BadRequest($"{name} must be a string");
        }

        var text = ReadText(value, name);
        if (trim)
        {
            text = text.Trim();
        }

        if (text.Length < minLength)
        {
            throw ApiException.BadRequest(minLength == 1 ? $"{name} must not be empty" : $"{name} must be at least {minLength} characters");
        }

        if (text.Length > maxLength)
        {
            throw ApiException.BadRequest($"{name} must be at most {maxLength} characters");
        }

        return text;
    }

    public bool? OptionalBool(string name)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiException.BadRequest($"{name} must be a boolean"),
        };
    }

    /// <summary>An integer field, or null when absent or null.</summary>
    public int? OptionalInt(string name)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw ApiException.BadRequest($"{name} must be an integer");
    }

    /// <summary>An array of strings, or null when absent. Each item must be a non-empty string of at most
    /// <paramref name="maxItemLength"/> characters.</summary>
    public IReadOnlyList<string>? OptionalStringArray(string name, int maxCount, int maxItemLength)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadRequest($"{name} must be an array of strings");
        }

        if (value.GetArrayLength() > maxCount)
        {
            throw ApiException.BadRequest($"{name} must have at most {maxCount} items");
        }

        var items = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw ApiException.BadRequest($"{name} must be an array of strings");
            }

            var text = ReadText(item, name);
            if (text.Length == 0 || text.Length > maxItemLength)
            {
                throw ApiException.BadRequest($"{name} items must be 1..{maxItemLength} characters");
            }

            items.Add(text);
        }

        return items;
    }

    public void Dispose() => _document.Dispose();

    /// <summary>The string, refused with a 400 naming the field when no database could store it: a NUL character
    /// (PostgreSQL's text type has none) or an unpaired surrogate (<c>"\ud800"</c> is valid JSON but not Unicode).
    /// Both used to fail deep in the storage layer as a 500.</summary>
    private static string ReadText(JsonElement value, string name)
    {
        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw ApiException.BadRequest($"{name} must be valid Unicode text");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw ApiException.BadRequest($"{name} must not contain NUL characters");
        }

        var rest = text.AsSpan();
        int surrogate;
        while ((surrogate = rest.IndexOfAnyInRange('\uD800', '\uDFFF')) >= 0)
        {
            rest = rest[surrogate..];
            if (Rune.DecodeFromUtf16(rest, out _, out var used) != OperationStatus.Done)
            {
                throw ApiException.BadRequest($"{name} must be valid Unicode text");
            }

            rest = rest[used..];
        }

        return text;
    }
}
