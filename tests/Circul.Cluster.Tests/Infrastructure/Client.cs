using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Circul.Silo.Tests.Infrastructure;

namespace Circul.Cluster.Tests.Infrastructure;

/// <summary>A user's REST client pointed at one silo (the silo can be changed: any silo serves any request).</summary>
public sealed class Client(string baseUrl, string token, string scheme, string id, string label)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string BaseUrl { get; set; } = baseUrl;

    public string Token { get; set; } = token;

    public string Scheme { get; } = scheme;

    public string Id { get; } = id;

    public string Label { get; } = label;

    public Client At(string baseUrl) => new(baseUrl, Token, Scheme, Id, Label);

    public Task<ApiResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<ApiResponse> PostAsync(string path, object? body = null) => SendAsync(HttpMethod.Post, path, body);

    public Task<ApiResponse> PutAsync(string path, object? body) => SendAsync(HttpMethod.Put, path, body);

    public Task<GatewayClient> ConnectAsync(string? sessionId = null, long? lastSeq = null) =>
        GatewayClient.ConnectAsync(new Uri(BaseUrl + "/"), Token, sessionId, lastSeq, Label);

    public async Task<GatewayClient> ConnectReadyAsync()
    {
        var gateway = await ConnectAsync();
        await gateway.NextEventAsync("ready", what: $"ready for {Label}");
        return gateway;
    }

    public static async Task<ApiResponse> SendAsync(string baseUrl, HttpMethod method, string path, object? body, string? authorization)
    {
        using var request = new HttpRequestMessage(method, baseUrl + path);
        if (authorization is not null)
        {
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return new ApiResponse(method, path, response.StatusCode, response.Headers, response.Content.Headers, bytes);
    }

    private Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body) =>
        SendAsync(BaseUrl, method, path, body, $"{Scheme} {Token}");
}
