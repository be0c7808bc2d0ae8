using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Circul.LoadTest;

/// <summary>The REST side of the contract (API.md), as much of it as the load tool needs.</summary>
public sealed class CirculApiClient : IDisposable
{
    private const int MaxRateLimitRetries = 20;

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;

    public CirculApiClient(Uri baseUrl, int maxConnections)
    {
        var handler = new SocketsHttpHandler
        {
            // Loopback only, never through a proxy from the environment.
            UseProxy = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = maxConnections,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        };
        _http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseUrl => _http.BaseAddress!;

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync("healthz", cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public async Task<OwnerIdentity> RegisterOwnerAsync(CancellationToken cancellationToken)
    {
        var name = "load_" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..12];
        var password = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        using var doc = await PostJsonAsync("/api/auth/register", authorization: null, new { username = name, password }, HttpStatusCode.Created, cancellationToken);
        var user = doc.RootElement.GetProperty("user");
        return new OwnerIdentity(user.GetProperty("id").GetString()!, name, doc.RootElement.GetProperty("token").GetString()!);
    }

    /// <summary><c>POST /api/apps</c>: creates a bot; the app's id is the bot's user id.</summary>
    public async Task<BotIdentity> CreateBotAsync(OwnerIdentity owner, int index, CancellationToken cancellationToken)
    {
        var body = new { name = $"loadbot-{index}", description = "created by Circul.LoadTest" };
        using var doc = await PostJsonAsync("/api/apps", owner.Authorization, body, HttpStatusCode.Created, cancellationToken);
        var id = doc.RootElement.GetProperty("app").GetProperty("id").GetString()!;
        return new BotIdentity(index, id, doc.RootElement.GetProperty("token").GetString()!);
    }

    /// <summary><c>POST /api/conversations {peer_id}</c> as <paramref name="bot"/>: opens (or returns) the DM.</summary>
    public async Task<string> OpenDmAsync(BotIdentity bot, string peerId, CancellationToken cancellationToken)
    {
        using var doc = await PostJsonAsync("/api/conversations", bot.Authorization, new { peer_id = peerId }, HttpStatusCode.OK, cancellationToken);
        return doc.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary><c>POST /api/groups {name, member_ids}</c>; the caller becomes a member too.</summary>
    public async Task<string> CreateGroupAsync(string authorization, string name, IEnumerable<string> memberIds, CancellationToken cancellationToken)
    {
        var body = new { name, member_ids = memberIds.ToArray() };
        using var doc = await PostJsonAsync("/api/groups", authorization, body, HttpStatusCode.Created, cancellationToken);
        return doc.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary><c>POST /api/panels {name}</c> as a human: 201 with the panel; returns its id.</summary>
    public async Task<string> CreatePanelAsync(string authorization, string name, CancellationToken cancellationToken)
    {
        using var doc = await PostJsonAsync("/api/panels", authorization, new { name }, HttpStatusCode.Created, cancellationToken);
        return doc.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary><c>GET /api/panels/{id}/channels</c>: the channels the caller can view, as (id, name).</summary>
    public async Task<IReadOnlyList<PanelChannel>> ListChannelsAsync(string authorization, string panelId, CancellationToken cancellationToken)
    {
        using var doc = await SendJsonAsync(HttpMethod.Get, $"/api/panels/{Uri.EscapeDataString(panelId)}/channels", authorization, null, HttpStatusCode.OK, cancellationToken);
        return doc.RootElement.EnumerateArray()
            .Select(c => new PanelChannel(c.GetProperty("id").GetString()!, c.GetProperty("name").GetString()!))
            .ToList();
    }

    /// <summary><c>POST /api/panels/{id}/channels {name}</c>: 201 with the channel.</summary>
    public async Task<PanelChannel> CreateChannelAsync(string authorization, string panelId, string name, CancellationToken cancellationToken)
    {
        using var doc = await PostJsonAsync($"/api/panels/{Uri.EscapeDataString(panelId)}/channels", authorization, new { name }, HttpStatusCode.Created, cancellationToken);
        return new PanelChannel(doc.RootElement.GetProperty("id").GetString()!, doc.RootElement.GetProperty("name").GetString()!);
    }

    /// <summary><c>POST /api/panels/{id}/bots {bot_id}</c>: the direct invite (any 2xx; the contract names no code for it).</summary>
    public async Task AddBotToPanelAsync(string authorization, string panelId, string botId, CancellationToken cancellationToken)
    {
        using var doc = await PostJsonAsync($"/api/panels/{Uri.EscapeDataString(panelId)}/bots", authorization, new { bot_id = botId }, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary><c>POST /api/panels/{id}/roles {name, permissions}</c>: 201 with the role; returns its id.</summary>
    public async Task<string> CreateRoleAsync(string authorization, string panelId, string name, string[] permissions, CancellationToken cancellationToken)
    {
        using var doc = await PostJsonAsync($"/api/panels/{Uri.EscapeDataString(panelId)}/roles", authorization, new { name, permissions }, HttpStatusCode.Created, cancellationToken);
        return doc.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary><c>PUT /api/panels/{id}/members/{uid}/roles/{rid}</c>: 200 with the updated object.</summary>
    public async Task AssignRoleAsync(string authorization, string panelId, string userId, string roleId, CancellationToken cancellationToken)
    {
        using var doc = await SendJsonAsync(HttpMethod.Put, MemberRolePath(panelId, userId, roleId), authorization, null, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary><c>PUT /api/panels/{id}/channels/{cid}/overrides/{rid} {allow, deny}</c>: 200 with the channel.</summary>
    public async Task PutOverrideAsync(string authorization, string panelId, string channelId, string roleId, string[] allow, string[] deny, CancellationToken cancellationToken)
    {
        var path = $"/api/panels/{Uri.EscapeDataString(panelId)}/channels/{Uri.EscapeDataString(channelId)}/overrides/{Uri.EscapeDataString(roleId)}";
        using var doc = await SendJsonAsync(HttpMethod.Put, path, authorization, new { allow, deny }, HttpStatusCode.OK, cancellationToken);
    }

    public static string PanelBotsPath(string panelId) => $"/api/panels/{Uri.EscapeDataString(panelId)}/bots";

    public static string RolePath(string panelId, string roleId) => $"/api/panels/{Uri.EscapeDataString(panelId)}/roles/{Uri.EscapeDataString(roleId)}";

    public static string MemberRolePath(string panelId, string userId, string roleId) =>
        $"/api/panels/{Uri.EscapeDataString(panelId)}/members/{Uri.EscapeDataString(userId)}/roles/{Uri.EscapeDataString(roleId)}";

    public static string ChannelMessagesPath(string panelId, string channelId) =>
        $"/api/panels/{Uri.EscapeDataString(panelId)}/channels/{Uri.EscapeDataString(channelId)}/messages";

    /// <summary><c>GET /metrics</c> (Prometheus text), or null when it does not answer 200.</summary>
    public async Task<string?> GetMetricsTextAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("metrics", cancellationToken);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(cancellationToken) : null;
    }

    /// <summary>
    /// One measured request (no retries, never throws for HTTP or transport failures): status, time to
    /// the full response, response size, and the body when the status is not 2xx (evidence for the report).
    /// </summary>
    public async Task<TimedCall> TimedAsync(HttpMethod method, string path, string authorization, byte[]? body, CancellationToken cancellationToken, bool keepBody = false)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = JsonContentType;
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var ended = Stopwatch.GetTimestamp();
            var error = response.IsSuccessStatusCode ? null : System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 500));
            return new TimedCall((int)response.StatusCode, null, started, ended, bytes.Length, error, keepBody && response.IsSuccessStatusCode ? bytes : null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new TimedCall(0, "timeout", started, Stopwatch.GetTimestamp(), 0, null, null);
        }
        catch (HttpRequestException ex)
        {
            var label = ex.InnerException is SocketException se ? $"socket error {se.SocketErrorCode}" : "connection error";
            return new TimedCall(0, label, started, Stopwatch.GetTimestamp(), 0, ex.Message, null);
        }
    }

    /// <summary>The hot path: one message POST with a pre-built body; never throws for HTTP or transport failures.</summary>
    public async Task<SendResult> SendMessageAsync(string path, string authorization, byte[] body, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path);
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = JsonContentType;
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            return new SendResult((int)response.StatusCode, null, Stopwatch.GetTimestamp() - started);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendResult(0, "timeout", Stopwatch.GetTimestamp() - started);
        }
        catch (OperationCanceledException)
        {
            return new SendResult(0, "cancelled", Stopwatch.GetTimestamp() - started);
        }
        catch (HttpRequestException ex)
        {
            var label = ex.InnerException is SocketException se ? $"socket error {se.SocketErrorCode}" : "connection error";
            return new SendResult(0, label, Stopwatch.GetTimestamp() - started);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A set-up POST: waits out 429s (honouring Retry-After, so it works with rate limits on) and throws on anything but <paramref name="expected"/>.</summary>
    private Task<JsonDocument> PostJsonAsync(string path, string? authorization, object body, HttpStatusCode expected, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Post, path, authorization, body, expected, cancellationToken);

    /// <summary>A set-up request with a JSON body (or none): waits out 429s and throws on anything but <paramref name="expected"/> (any 2xx when that is 200).</summary>
    private async Task<JsonDocument> SendJsonAsync(HttpMethod method, string path, string? authorization, object? body, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var bytes = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body);
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            if (bytes is not null)
            {
                request.Content = new ByteArrayContent(bytes);
                request.Content.Headers.ContentType = JsonContentType;
            }

            using var response = await _http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < MaxRateLimitRetries)
            {
                await Task.Delay(RetryAfter(response), cancellationToken);
                continue;
            }

            // Accept any 2xx for idempotent "open" calls and actions, but insist on the contract's code otherwise.
            var ok = response.StatusCode == expected || (expected == HttpStatusCode.OK && response.IsSuccessStatusCode);
            if (!ok)
            {
                throw new ApiException(method.Method, path, response.StatusCode, text);
            }

            try
            {
                return JsonDocument.Parse(text.Length == 0 ? "null" : text);
            }
            catch (JsonException ex)
            {
                throw new ApiException(method.Method, path, response.StatusCode, "body is not JSON (" + ex.Message + "): " + text);
            }
        }
    }

    private static TimeSpan RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta)
        {
            return delta + TimeSpan.FromMilliseconds(50);
        }

        if (response.Headers.TryGetValues("Retry-After", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Clamp(seconds, 0, 10)) + TimeSpan.FromMilliseconds(50);
        }

        return TimeSpan.FromSeconds(1);
    }
}
