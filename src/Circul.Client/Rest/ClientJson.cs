using System.Text.Json;
using System.Text.Json.Serialization;

namespace Circul.Client;

/// <summary>The wire format: snake_case names, ISO 8601 timestamps; absent optional fields are not sent.</summary>
internal static class ClientJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
