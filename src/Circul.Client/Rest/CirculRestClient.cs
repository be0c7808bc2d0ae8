using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Circul.Client;

/// <summary>
/// The whole REST API of a Circul server (API.md sections 3 to 6) for one token. Failures throw
/// <see cref="CirculApiException"/> with the status and the server's error text. A 429 is waited out
/// (<c>retry_after</c> from the body, else <c>Retry-After</c>) and retried; message sends carry an
/// <c>Idempotency-Key</c>, so no retry ever posts a message twice. Thread-safe.
/// </summary>
public sealed class CirculRestClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly AuthenticationHeaderValue _auth;
    private readonly CirculRestOptions _options;
    private readonly RateLimitTracker _limits;
    private readonly ILogger _logger;
    private long _lastServerTimeTicks;

    /// <summary>Creates a client for <paramref name="server"/> (e.g. <c>http://127.0.0.1:5080</c>).</summary>
    /// <param name="server">The server's base address.</param>
    /// <param name="token">A bot token (<c>cb_…</c>) or a human session token (<c>cu_…</c>).</param>
    /// <param name="options">Retry and rate-limit settings; null for the defaults.</param>
    /// <param name="httpClient">An HttpClient to use (not disposed by this client); null to make one.</param>
    /// <param name="logger">Where retries are logged; null for nowhere.</param>
    public CirculRestClient(Uri server, string token, CirculRestOptions? options = null, HttpClient? httpClient = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _options = options ?? new CirculRestOptions();
        Server = new Uri(server.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient();
        _auth = new AuthenticationHeaderValue(_options.TokenScheme ?? SchemeFor(token), token);
        _limits = new RateLimitTracker(_options.TimeProvider);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Raised for every 429 received, before the wait (for metrics and tests).</summary>
    public event Action<RateLimitInfo>? RateLimited;

    /// <summary>The server's base address, ending in a slash.</summary>
    public Uri Server { get; }

    /// <summary>The server's clock at the latest answer (its <c>Date</c> header: whole seconds), or null before any.</summary>
    internal DateTimeOffset? LastServerTime =>
        Interlocked.Read(ref _lastServerTimeTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    // ------------------------------------------------------------------ users and profile (section 3)

    /// <summary>The caller's own user.</summary>
    public Task<CirculUser> GetMeAsync(CancellationToken cancellationToken = default) =>
        SendAsync<CirculUser>(HttpMethod.Get, "api/me", null, cancellationToken);

    /// <summary>Bots: sets the status (<see cref="UserStatus"/>) and/or the mood; null leaves a field as it is.</summary>
    public Task<CirculUser> UpdateBotStatusAsync(string? status, string? mood = null, CancellationToken cancellationToken = default) =>
        SendAsync<CirculUser>(HttpMethod.Patch, "api/bot/me", new { status, mood }, cancellationToken);

    /// <summary>Changes the caller's profile; null leaves a field as it is.</summary>
    public Task<CirculUser> UpdateProfileAsync(
        string? name = null, string? bio = null, string? mood = null, string? status = null, CancellationToken cancellationToken = default) =>
        SendAsync<CirculUser>(HttpMethod.Patch, "api/me", new { name, bio, mood, status }, cancellationToken);

    /// <summary>Uploads an avatar (png, jpeg, gif or webp; at most 2 MiB).</summary>
    /// <param name="image">The image bytes.</param>
    /// <param name="mime"><c>image/png</c>, <c>image/jpeg</c>, <c>image/gif</c> or <c>image/webp</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<CirculUser> UploadAvatarAsync(ReadOnlyMemory<byte> image, string mime, CancellationToken cancellationToken = default) =>
        SendAsync<CirculUser>(HttpMethod.Post, "api/me/avatar", new { data = Convert.ToBase64String(image.Span), mime }, cancellationToken);

    /// <summary>Removes the avatar.</summary>
    public Task DeleteAvatarAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "api/me/avatar", null, cancellationToken);

    /// <summary>Uploads a banner (same rules as the avatar).</summary>
    /// <param name="image">The image bytes.</param>
    /// <param name="mime">The image's MIME type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<CirculUser> UploadBannerAsync(ReadOnlyMemory<byte> image, string mime, CancellationToken cancellationToken = default) =>
        SendAsync<CirculUser>(HttpMethod.Post, "api/me/banner", new { data = Convert.ToBase64String(image.Span), mime }, cancellationToken);

    /// <summary>Removes the banner.</summary>
    public Task DeleteBannerAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "api/me/banner", null, cancellationToken);

    /// <summary>A user visible to the caller (else 404).</summary>
    public Task<CirculUser> GetUserAsync(string userId, CancellationToken cancellationToken = default) =>
        SendAsync<CirculUser>(HttpMethod.Get, $"api/users/{Esc(userId)}", null, cancellationToken);

    /// <summary>Every user visible to the caller.</summary>
    public Task<IReadOnlyList<CirculUser>> GetContactsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<CirculUser>>(HttpMethod.Get, "api/contacts", null, cancellationToken);

    // ------------------------------------------------------------------ DMs and groups (section 4)

    /// <summary>The caller's DMs and groups, most recent activity first.</summary>
    public Task<IReadOnlyList<Conversation>> GetConversationsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<Conversation>>(HttpMethod.Get, "api/conversations", null, cancellationToken);

    /// <summary>Opens the DM with a visible user, or returns the existing one.</summary>
    public Task<Conversation> OpenDmAsync(string peerId, CancellationToken cancellationToken = default) =>
        SendAsync<Conversation>(HttpMethod.Post, "api/conversations", new { peer_id = peerId }, cancellationToken);

    /// <summary>A DM or group the caller is in.</summary>
    public Task<Conversation> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        SendAsync<Conversation>(HttpMethod.Get, $"api/conversations/{Esc(conversationId)}", null, cancellationToken);

    /// <summary>Creates a group; the caller is a member automatically.</summary>
    public Task<Conversation> CreateGroupAsync(string name, IEnumerable<string> memberIds, CancellationToken cancellationToken = default) =>
        SendAsync<Conversation>(HttpMethod.Post, "api/groups", new { name, member_ids = memberIds.ToArray() }, cancellationToken);

    /// <summary>A group the caller is in.</summary>
    public Task<Conversation> GetGroupAsync(string groupId, CancellationToken cancellationToken = default) =>
        SendAsync<Conversation>(HttpMethod.Get, $"api/groups/{Esc(groupId)}", null, cancellationToken);

    /// <summary>Adds a visible user to a group.</summary>
    public Task<Conversation> AddGroupMemberAsync(string groupId, string userId, CancellationToken cancellationToken = default) =>
        SendAsync<Conversation>(HttpMethod.Post, $"api/groups/{Esc(groupId)}/members", new { user_id = userId }, cancellationToken);

    /// <summary>Removes a member (the owner removes anyone; anyone removes themself).</summary>
    public Task RemoveGroupMemberAsync(string groupId, string userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/groups/{Esc(groupId)}/members/{Esc(userId)}", null, cancellationToken);

    // ------------------------------------------------------------------ messages (section 5)

    /// <summary>Messages of a DM or group, newest first.</summary>
    public Task<IReadOnlyList<Message>> GetMessagesAsync(string conversationId, MessageQuery? query = null, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<Message>>(HttpMethod.Get, $"api/conversations/{Esc(conversationId)}/messages{Query(query)}", null, cancellationToken);

    /// <summary>Posts to a DM or group.</summary>
    public Task<Message> SendMessageAsync(string conversationId, string text, SendMessageOptions? options = null, CancellationToken cancellationToken = default) =>
        PostMessageAsync($"api/conversations/{Esc(conversationId)}/messages", text, options, cancellationToken);

    /// <summary>Messages of a panel channel, newest first (needs <c>read_message_history</c>).</summary>
    public Task<IReadOnlyList<Message>> GetChannelMessagesAsync(
        string panelId, string channelId, MessageQuery? query = null, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<Message>>(
            HttpMethod.Get, $"api/panels/{Esc(panelId)}/channels/{Esc(channelId)}/messages{Query(query)}", null, cancellationToken);

    /// <summary>Posts to a panel channel (needs <c>send_messages</c>).</summary>
    public Task<Message> SendChannelMessageAsync(
        string panelId, string channelId, string text, SendMessageOptions? options = null, CancellationToken cancellationToken = default) =>
        PostMessageAsync($"api/panels/{Esc(panelId)}/channels/{Esc(channelId)}/messages", text, options, cancellationToken);

    /// <summary>Changes the text of one of the caller's messages.</summary>
    public Task<Message> EditMessageAsync(string messageId, string text, CancellationToken cancellationToken = default) =>
        SendAsync<Message>(HttpMethod.Patch, $"api/messages/{Esc(messageId)}", new { text }, cancellationToken);

    /// <summary>Deletes a message (the sender's own, or any with <c>manage_messages</c> in a panel).</summary>
    public Task DeleteMessageAsync(string messageId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/messages/{Esc(messageId)}", null, cancellationToken);

    /// <summary>Adds the caller's reaction (idempotent).</summary>
    public Task AddReactionAsync(string messageId, string emoji, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/messages/{Esc(messageId)}/reactions", new { emoji }, cancellationToken);

    /// <summary>Removes the caller's reaction.</summary>
    public Task RemoveReactionAsync(string messageId, string emoji, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/messages/{Esc(messageId)}/reactions/{Esc(emoji)}", null, cancellationToken);

    // ------------------------------------------------------------------ panels (section 6)

    /// <summary>The panels the caller is a member of.</summary>
    public Task<IReadOnlyList<Panel>> GetPanelsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<Panel>>(HttpMethod.Get, "api/panels", null, cancellationToken);

    /// <summary>Humans only: creates a panel with a <c>Text</c> category and a <c>general</c> channel.</summary>
    public Task<Panel> CreatePanelAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<Panel>(HttpMethod.Post, "api/panels", new { name }, cancellationToken);

    /// <summary>One panel the caller is a member of.</summary>
    public Task<Panel> GetPanelAsync(string panelId, CancellationToken cancellationToken = default) =>
        SendAsync<Panel>(HttpMethod.Get, $"api/panels/{Esc(panelId)}", null, cancellationToken);

    /// <summary>Renames a panel (<c>manage_panel</c>).</summary>
    public Task<Panel> UpdatePanelAsync(string panelId, string name, CancellationToken cancellationToken = default) =>
        SendAsync<Panel>(HttpMethod.Patch, $"api/panels/{Esc(panelId)}", new { name }, cancellationToken);

    /// <summary>Deletes a panel (owner only).</summary>
    public Task DeletePanelAsync(string panelId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/panels/{Esc(panelId)}", null, cancellationToken);

    /// <summary>The channels of a panel the caller can view.</summary>
    public Task<IReadOnlyList<PanelChannel>> GetChannelsAsync(string panelId, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<PanelChannel>>(HttpMethod.Get, $"api/panels/{Esc(panelId)}/channels", null, cancellationToken);

    /// <summary>Creates a channel (<c>manage_channels</c>).</summary>
    public Task<PanelChannel> CreateChannelAsync(
        string panelId, string name, string? categoryId = null, string? topic = null, CancellationToken cancellationToken = default) =>
        SendAsync<PanelChannel>(
            HttpMethod.Post, $"api/panels/{Esc(panelId)}/channels", new { name, category_id = categoryId, topic }, cancellationToken);

    /// <summary>Changes a channel (<c>manage_channels</c>); null leaves a field as it is.</summary>
    public Task<PanelChannel> UpdateChannelAsync(
        string panelId, string channelId, string? name = null, string? categoryId = null, string? topic = null, int? position = null,
        CancellationToken cancellationToken = default) =>
        SendAsync<PanelChannel>(
            HttpMethod.Patch, $"api/panels/{Esc(panelId)}/channels/{Esc(channelId)}",
            new { name, category_id = categoryId, topic, position }, cancellationToken);

    /// <summary>Deletes a channel (<c>manage_channels</c>).</summary>
    public Task DeleteChannelAsync(string panelId, string channelId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/panels/{Esc(panelId)}/channels/{Esc(channelId)}", null, cancellationToken);

    /// <summary>Sets a role's override in a channel (<c>manage_roles</c>); <paramref name="roleId"/> <c>everyone</c>
    /// for the everyone role.</summary>
    public Task<PanelChannel> SetChannelOverrideAsync(
        string panelId, string channelId, string roleId, IEnumerable<string> allow, IEnumerable<string> deny,
        CancellationToken cancellationToken = default) =>
        SendAsync<PanelChannel>(
            HttpMethod.Put, $"api/panels/{Esc(panelId)}/channels/{Esc(channelId)}/overrides/{Esc(roleId)}",
            new { allow = allow.ToArray(), deny = deny.ToArray() }, cancellationToken);

    /// <summary>Removes a role's override in a channel (<c>manage_roles</c>).</summary>
    public Task DeleteChannelOverrideAsync(string panelId, string channelId, string roleId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/panels/{Esc(panelId)}/channels/{Esc(channelId)}/overrides/{Esc(roleId)}", null, cancellationToken);

    /// <summary>Sets the caller's unread count of a channel to 0.</summary>
    public Task MarkChannelReadAsync(string panelId, string channelId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/panels/{Esc(panelId)}/channels/{Esc(channelId)}/read", null, cancellationToken);

    /// <summary>Creates a category (<c>manage_channels</c>).</summary>
    public Task<PanelCategory> CreateCategoryAsync(string panelId, string name, CancellationToken cancellationToken = default) =>
        SendAsync<PanelCategory>(HttpMethod.Post, $"api/panels/{Esc(panelId)}/categories", new { name }, cancellationToken);

    /// <summary>Renames a category (<c>manage_channels</c>).</summary>
    public Task<PanelCategory> UpdateCategoryAsync(string panelId, string categoryId, string name, CancellationToken cancellationToken = default) =>
        SendAsync<PanelCategory>(HttpMethod.Patch, $"api/panels/{Esc(panelId)}/categories/{Esc(categoryId)}", new { name }, cancellationToken);

    /// <summary>Deletes a category (<c>manage_channels</c>).</summary>
    public Task DeleteCategoryAsync(string panelId, string categoryId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/panels/{Esc(panelId)}/categories/{Esc(categoryId)}", null, cancellationToken);

    /// <summary>Creates a role (<c>manage_roles</c>, below the caller's highest role).</summary>
    public Task<PanelRole> CreateRoleAsync(
        string panelId, string name, IEnumerable<string>? permissions = null, string? color = null, int? position = null,
        CancellationToken cancellationToken = default) =>
        SendAsync<PanelRole>(
            HttpMethod.Post, $"api/panels/{Esc(panelId)}/roles", new { name, permissions = permissions?.ToArray(), color, position }, cancellationToken);

    /// <summary>Changes a role (<c>manage_roles</c>); null leaves a field as it is.</summary>
    public Task<PanelRole> UpdateRoleAsync(
        string panelId, string roleId, string? name = null, IEnumerable<string>? permissions = null, string? color = null, int? position = null,
        CancellationToken cancellationToken = default) =>
        SendAsync<PanelRole>(
            HttpMethod.Patch, $"api/panels/{Esc(panelId)}/roles/{Esc(roleId)}",
            new { name, permissions = permissions?.ToArray(), color, position }, cancellationToken);

    /// <summary>Deletes a role (<c>manage_roles</c>).</summary>
    public Task DeleteRoleAsync(string panelId, string roleId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/panels/{Esc(panelId)}/roles/{Esc(roleId)}", null, cancellationToken);

    /// <summary>The members of a panel.</summary>
    public Task<IReadOnlyList<PanelMember>> GetMembersAsync(string panelId, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<PanelMember>>(HttpMethod.Get, $"api/panels/{Esc(panelId)}/members", null, cancellationToken);

    /// <summary>Gives a member a role (<c>manage_roles</c>); returns the member.</summary>
    public Task<PanelMember> AddMemberRoleAsync(string panelId, string userId, string roleId, CancellationToken cancellationToken = default) =>
        SendAsync<PanelMember>(HttpMethod.Put, $"api/panels/{Esc(panelId)}/members/{Esc(userId)}/roles/{Esc(roleId)}", null, cancellationToken);

    /// <summary>Takes a role from a member (<c>manage_roles</c>).</summary>
    public Task RemoveMemberRoleAsync(string panelId, string userId, string roleId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/panels/{Esc(panelId)}/members/{Esc(userId)}/roles/{Esc(roleId)}", null, cancellationToken);

    /// <summary>Removes a member (<c>kick_members</c>), or leaves when <paramref name="userId"/> is the caller.</summary>
    public Task RemoveMemberAsync(string panelId, string userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/panels/{Esc(panelId)}/members/{Esc(userId)}", null, cancellationToken);

    /// <summary>Bans a user (<c>ban_members</c>); banned users cannot rejoin.</summary>
    public Task<PanelBan> BanMemberAsync(string panelId, string userId, string reason = "", CancellationToken cancellationToken = default) =>
        SendAsync<PanelBan>(HttpMethod.Post, $"api/panels/{Esc(panelId)}/bans", new { user_id = userId, reason }, cancellationToken);

    /// <summary>Adds a bot directly (<c>manage_panel</c>).</summary>
    public Task<PanelMember> AddBotAsync(string panelId, string botId, CancellationToken cancellationToken = default) =>
        SendAsync<PanelMember>(HttpMethod.Post, $"api/panels/{Esc(panelId)}/bots", new { bot_id = botId }, cancellationToken);

    /// <summary>Creates an invite (<c>create_invite</c>).</summary>
    public Task<PanelInvite> CreateInviteAsync(
        string panelId, int? maxAgeSeconds = null, int? maxUses = null, CancellationToken cancellationToken = default) =>
        SendAsync<PanelInvite>(
            HttpMethod.Post, $"api/panels/{Esc(panelId)}/invites", new { max_age_seconds = maxAgeSeconds, max_uses = maxUses }, cancellationToken);

    /// <summary>Joins the panel of an invite code.</summary>
    public Task<Panel> AcceptInviteAsync(string code, CancellationToken cancellationToken = default) =>
        SendAsync<Panel>(HttpMethod.Post, $"api/invites/{Esc(code)}/accept", null, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    // ------------------------------------------------------------------ plumbing

    private Task<Message> PostMessageAsync(string path, string text, SendMessageOptions? options, CancellationToken cancellationToken)
    {
        options ??= new SendMessageOptions();
        var body = new
        {
            text,
            bold = options.Bold ? (bool?)true : null,
            italic = options.Italic ? (bool?)true : null,
            mentions = options.Mentions,
            reply_to_id = options.ReplyToId,
        };
        return SendAsync<Message>(HttpMethod.Post, path, body, cancellationToken, options.IdempotencyKey ?? Guid.NewGuid().ToString("N"));
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        using var response = await SendCoreAsync(method, path, body, idempotencyKey, cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await JsonSerializer.DeserializeAsync<T>(stream, ClientJson.Options, cancellationToken).ConfigureAwait(false)
            ?? throw new CirculApiException(response.StatusCode, "empty response body", method.Method, path);
    }

    private async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, path, body, null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendCoreAsync(
        HttpMethod method, string path, object? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var payload = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, ClientJson.Options);
        var routeKey = method.Method + " " + path;
        var repeatable = method == HttpMethod.Get || method == HttpMethod.Put || method == HttpMethod.Delete || idempotencyKey is not null;
        var rateLimitRetries = 0;
        var transientRetries = 0;
        while (true)
        {
            if (_options.WaitForExhaustedBuckets && _limits.WaitFor(routeKey) is { } wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            HttpResponseMessage response;
            try
            {
                using var request = new HttpRequestMessage(method, new Uri(Server, path));
                request.Headers.Authorization = _auth;
                if (idempotencyKey is not null)
                {
                    request.Headers.Add("Idempotency-Key", idempotencyKey);
                }

                if (payload is not null)
                {
                    request.Content = new ByteArrayContent(payload);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                }

                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (repeatable && transientRetries < _options.MaxTransientRetries)
            {
                await DelayTransientAsync(++transientRetries, method, path, e.Message, cancellationToken).ConfigureAwait(false);
                continue;
            }

            _limits.Observe(routeKey, response.Headers);
            if (response.Headers.Date is { } date)
            {
                Interlocked.Exchange(ref _lastServerTimeTicks, date.UtcTicks);
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                var error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    var retryAfter = error.RetryAfter ?? response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                    var willRetry = rateLimitRetries < _options.MaxRateLimitRetries && retryAfter <= _options.MaxRateLimitWait;
                    RateLimited?.Invoke(new RateLimitInfo
                    {
                        Method = method.Method, Path = path, RetryAfter = retryAfter, Global = error.Global, WillRetry = willRetry,
                    });
                    if (!willRetry)
                    {
                        throw new CirculRateLimitedException(error.Text, method.Method, path, retryAfter, error.Global);
                    }

                    rateLimitRetries++;
                    if (error.Global)
                    {
                        _limits.BlockGlobally(retryAfter);
                    }

                    _logger.RateLimitedRetrying(method.Method, path, retryAfter);
                    await Task.Delay(retryAfter, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (repeatable && IsTransient(response.StatusCode) && transientRetries < _options.MaxTransientRetries)
                {
                    await DelayTransientAsync(++transientRetries, method, path, error.Text, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw new CirculApiException(response.StatusCode, error.Text, method.Method, path);
            }
        }
    }

    private async Task DelayTransientAsync(int attempt, HttpMethod method, string path, string reason, CancellationToken cancellationToken)
    {
        var delay = _options.TransientRetryDelay * Math.Pow(2, attempt - 1);
        _logger.TransientRetry(method.Method, path, reason, attempt, delay);
        await Task.Delay(delay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static async Task<(string Text, TimeSpan? RetryAfter, bool Global)> ReadErrorAsync(
        HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var raw = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var json = JsonDocument.Parse(raw);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var text = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : raw;
                TimeSpan? retryAfter = root.TryGetProperty("retry_after", out var r) && r.ValueKind == JsonValueKind.Number
                    ? TimeSpan.FromSeconds(r.GetDouble())
                    : null;
                var global = root.TryGetProperty("global", out var g) && g.ValueKind == JsonValueKind.True;
                return (text, retryAfter, global);
            }
        }
        catch (JsonException)
        {
            // Not the contract's error body (a proxy's page): report the status line instead.
        }

        return (string.IsNullOrWhiteSpace(raw) ? response.ReasonPhrase ?? response.StatusCode.ToString() : raw, null, false);
    }

    private static string Query(MessageQuery? query)
    {
        if (query is null)
        {
            return "";
        }

        var parts = new List<string>();
        if (query.Limit is { } limit)
        {
            parts.Add("limit=" + limit.ToString(CultureInfo.InvariantCulture));
        }

        if (query.Before is { } before)
        {
            parts.Add("before=" + Esc(before));
        }

        if (query.After is { } after)
        {
            parts.Add("after=" + Esc(after));
        }

        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private static string Esc(string value) => Uri.EscapeDataString(value);

    private static string SchemeFor(string token) => token.StartsWith("cu_", StringComparison.Ordinal) ? "Bearer" : "Bot";
}
