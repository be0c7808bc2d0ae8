using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>An HTTP answer read to the end, with assertions whose messages show the request and the body.</summary>
public sealed class ApiResponse(
    HttpMethod method, string path, HttpStatusCode status, HttpResponseHeaders headers, HttpContentHeaders contentHeaders, byte[] body)
{
    private JsonElement? _json;

    public HttpMethod Method { get; } = method;

    public string Path { get; } = path;

    public HttpStatusCode Status { get; } = status;

    public HttpResponseHeaders Headers { get; } = headers;

    public HttpContentHeaders ContentHeaders { get; } = contentHeaders;

    public byte[] Body { get; } = body;

    public string Text => Encoding.UTF8.GetString(Body);

    public string Describe() => $"{Method} {Path} -> {(int)Status} {Status}: {Truncate(Text)}";

    public JsonElement Json
    {
        get
        {
            if (_json is null)
            {
                try
                {
                    using var doc = JsonDocument.Parse(Body);
                    _json = doc.RootElement.Clone();
                }
                catch (JsonException e)
                {
                    Assert.Fail($"{Describe()}\nthe body is not JSON: {e.Message}");
                }
            }

            return _json.Value;
        }
    }

    public string? Header(string name)
    {
        if (Headers.TryGetValues(name, out var values) || ContentHeaders.TryGetValues(name, out values))
        {
            return string.Join(",", values);
        }

        return null;
    }

    public ApiResponse Expect(HttpStatusCode expected)
    {
        if (Status != expected)
        {
            Assert.Fail($"expected {(int)expected} {expected} from {Method} {Path}, got {(int)Status} {Status}: {Truncate(Text)}");
        }

        return this;
    }

    /// <summary>Any of the given statuses (for answers the contract leaves open, e.g. 200 or 204).</summary>
    public ApiResponse ExpectOneOf(params HttpStatusCode[] expected)
    {
        if (!expected.Contains(Status))
        {
            Assert.Fail($"expected one of {string.Join("/", expected.Select(e => (int)e))} from {Method} {Path}, got {(int)Status} {Status}: {Truncate(Text)}");
        }

        return this;
    }

    /// <summary>The status and the contract's error body: JSON <c>{"error": "..."}</c>, never HTML.</summary>
    public string ExpectError(HttpStatusCode expected)
    {
        Expect(expected);
        var mediaType = ContentHeaders.ContentType?.MediaType;
        Assert.True(mediaType is not null && mediaType.Contains("json", StringComparison.OrdinalIgnoreCase),
            $"error answer of {Method} {Path} should be JSON, content type was '{mediaType}': {Truncate(Text)}");
        var json = Json;
        Assert.True(json.ValueKind == JsonValueKind.Object && json.TryGetProperty("error", out var error)
            && error.ValueKind == JsonValueKind.String && error.GetString()!.Length > 0,
            $"error answer of {Method} {Path} should be {{\"error\": \"...\"}}: {Truncate(Text)}");
        return json.GetProperty("error").GetString()!;
    }

    public static string Truncate(string text, int max = 600) => text.Length <= max ? text : text[..max] + $"... ({text.Length} chars)";
}
