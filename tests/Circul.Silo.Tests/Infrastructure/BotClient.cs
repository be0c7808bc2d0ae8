using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>
/// What a bot author writes first: an HTTP client that sends <c>Authorization: Bot|Bearer token</c> and JSON with
/// snake_case names (request bodies are anonymous objects whose members are already snake_case).
/// </summary>
public sealed class BotClient(RunningSilo silo, string? token, string? scheme)
{
    public RunningSilo Silo { get; } = silo;

    public string? Token { get; set; } = token;

    /// <summary><c>Bot</c>, <c>Bearer</c>, or null for no Authorization header.</summary>
    public string? Scheme { get; set; } = scheme;

    public JsonElement User { get; private set; }

    public string Id => User.Str("id");

    public string Name => User.Str("name");

    /// <summary>A name for failure messages, also before the user is known.</summary>
    public string Label => User.ValueKind == JsonValueKind.Object ? Name : "(no user)";

    /// <summary>The app object when this client is a bot made through /api/apps.</summary>
    public JsonElement App { get; set; }

    public string? Password { get; set; }

    public void SetUser(JsonElement user) => User = user.Clone();

    /// <summary>The same token with the other scheme (Bot for a human, Bearer for a bot).</summary>
    public BotClient WithScheme(string? otherScheme) => new(Silo, Token, otherScheme);

    public Task<ApiResponse> GetAsync(string path, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Get, path, null, headers);

    public Task<ApiResponse> PostAsync(string path, object? body = null, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Post, path, body, headers);

    public Task<ApiResponse> PatchAsync(string path, object? body, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Patch, path, body, headers);

    public Task<ApiResponse> PutAsync(string path, object? body, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Put, path, body, headers);

    public Task<ApiResponse> DeleteAsync(string path, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Delete, path, null, headers);

    public Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body, IDictionary<string, string>? headers = null)
    {
        var raw = body is null ? null : JsonSerializer.Serialize(body);
        return SendRawAsync(method, path, raw, "application/json", headers);
    }

    /// <summary>Sends exactly this text as the body (malformed JSON, oversized bodies).</summary>
    public Task<ApiResponse> SendRawAsync(
        HttpMethod method, string path, string? rawBody, string contentType = "application/json", IDictionary<string, string>? headers = null) =>
        SendBytesAsync(method, path, rawBody is null ? null : Encoding.UTF8.GetBytes(rawBody), contentType, headers);

    /// <summary>Sends exactly these bytes as the body, even when they are not valid UTF-8.</summary>
    public async Task<ApiResponse> SendBytesAsync(
        HttpMethod method, string path, byte[]? body, string contentType = "application/json", IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (Token is not null && Scheme is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(Scheme, Token);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        }

        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await Silo.Http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return new ApiResponse(method, path, response.StatusCode, response.Headers, response.Content.Headers, bytes);
    }

    /// <summary>Opens a gateway connection with this client's raw token.</summary>
    public Task<GatewayClient> ConnectAsync(string? sessionId = null, long? lastSeq = null) =>
        GatewayClient.ConnectAsync(Silo.BaseUri, Token ?? "", sessionId, lastSeq, Label);

    /// <summary>Opens a gateway connection and waits for its <c>ready</c> frame.</summary>
    public async Task<GatewayClient> ConnectReadyAsync()
    {
        var gateway = await ConnectAsync();
        await gateway.NextEventAsync("ready");
        return gateway;
    }
}
