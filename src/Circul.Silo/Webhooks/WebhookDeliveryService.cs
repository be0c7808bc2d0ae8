using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Conversations;
using Circul.Grains.Panels;
using Circul.Grains.Users;
using Circul.Grains.Webhooks;
using Circul.Silo.Infrastructure;
using Circul.Storage;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Webhooks;

/// <summary>The silo's webhook delivery worker. Deliveries are rows of <c>webhook_deliveries</c>, written in the same
/// transaction as the message that fired them; this worker claims due rows with a lease (one conditional UPDATE, so
/// several silos never attempt one row at once), POSTs them signed, and records each attempt. It is woken at once when
/// a delivery is recorded on this silo and polls for the rest (retries, rows of other or stopped silos).</summary>
public sealed class WebhookDeliveryService : BackgroundService
{
    private const int ClaimBatch = 64;

    private readonly IWebhookStore _store;
    private readonly IMessageStore _messages;
    private readonly PanelSnapshotSource _snapshots;
    private readonly IGrainFactory _grains;
    private readonly WebhookDeliverySignal _signal;
    private readonly WebhookMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly WebhookOptions _options;
    private readonly int _maxTextLength;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private readonly string _leaseOwner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    public WebhookDeliveryService(
        IWebhookStore store,
        IMessageStore messages,
        PanelSnapshotSource snapshots,
        IGrainFactory grains,
        WebhookDeliverySignal signal,
        WebhookMetrics metrics,
        TimeProvider time,
        IOptions<WebhookOptions> options,
        IOptions<LimitsOptions> limits,
        ILogger<WebhookDeliveryService> logger)
    {
        _store = store;
        _messages = messages;
        _snapshots = snapshots;
        _grains = grains;
        _signal = signal;
        _metrics = metrics;
        _time = time;
        _options = options.Value;
        _maxTextLength = limits.Value.MaxTextLength;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
        var guard = new WebhookAddressGuard(_options.AllowPrivateNetworks);
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromMilliseconds(_options.TimeoutMs),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxResponseHeadersLength = 64,
            ConnectCallback = guard.ConnectAsync,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Circul-Webhooks", "1"));
    }

    /// <summary>This silo's lease owner name (tests read leases by it).</summary>
    public string LeaseOwner => _leaseOwner;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(Math.Max(10, _options.PollIntervalMs));
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimedAll = false;
            try
            {
                var free = Math.Min(_slots.CurrentCount, ClaimBatch);
                if (free > 0)
                {
                    var now = _time.GetUtcNow();
                    var lease = now + TimeSpan.FromMilliseconds(_options.TimeoutMs + _options.LeaseMarginMs);
                    var due = await _store.ClaimDueDeliveriesAsync(_leaseOwner, now, lease, free, stoppingToken);
                    foreach (var delivery in due)
                    {
                        await _slots.WaitAsync(stoppingToken);
                        _inFlight[delivery.Id] = RunAsync(delivery, stoppingToken);
                    }

                    claimedAll = due.Count == free;
                }

                failing = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // One warning per outage (while the database is down every poll fails), not one per poll.
                if (!failing)
                {
                    _logger.LoopFailed(e);
                    failing = true;
                }
            }

            if (!claimedAll || _slots.CurrentCount == 0)
            {
                try
                {
                    await _signal.WaitAsync(poll, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        // Stopping: attempts in flight give their leases back (see RunAsync) so another silo takes them at once.
        await Task.WhenAll(_inFlight.Values);
    }

    public override void Dispose()
    {
        _http.Dispose();
        _slots.Dispose();
        base.Dispose();
    }

    private async Task RunAsync(WebhookDeliveryRecord delivery, CancellationToken stopping)
    {
        await Task.Yield();
        _metrics.AttemptStarted();
        string? ended = null;
        try
        {
            var outcome = await AttemptAsync(delivery, stopping);
            ended = outcome?.Status;
            if (outcome is null)
            {
                await _store.ReleaseLeasesAsync(_leaseOwner, [delivery.Id], CancellationToken.None);
            }
            else
            {
                await _store.FinishAttemptAsync(delivery.Id, _leaseOwner, outcome, CancellationToken.None);
                _logger.Attempted(delivery.Id, delivery.Attempts, outcome.Status, outcome.Error ?? outcome.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
            }
        }
        catch (Exception e)
        {
            // The lease expires and the row is attempted again (its attempt already counted).
            _logger.AttemptCrashed(e, delivery.Id);
        }
        finally
        {
            _metrics.AttemptEnded(ended);
            _inFlight.TryRemove(delivery.Id, out _);
            _slots.Release();
            _signal.Notify();
        }
    }

    /// <summary>One attempt; null when the silo is stopping before an answer came (the lease is given back).</summary>
    private async Task<WebhookAttemptOutcome?> AttemptAsync(WebhookDeliveryRecord d, CancellationToken stopping)
    {
        var now = _time.GetUtcNow();
        if (d.Attempts > _options.MaxAttempts)
        {
            // Its last attempt's silo died before recording the outcome.
            return Final(WebhookDeliveryStatus.Failed, d.LastStatusCode, "gave up: no outcome recorded for the last attempt", d.LatencyMs);
        }

        var bot = await _store.GetBotAsync(d.BotId, stopping);
        var user = bot is null ? null : await _grains.GetGrain<IUserGrain>(d.BotId).GetRecordAsync();
        if (bot is null || user is null || user.Deleted)
        {
            // Deleted through the consumer API (its rows go with it) or as an app through /api/apps.
            return Final(WebhookDeliveryStatus.Failed, null, "bot deleted", null);
        }

        var payload = d.Payload;
        if (payload is null)
        {
            try
            {
                payload = await BuildPayloadAsync(d, bot);
            }
            catch (ApiException e) when (e.StatusCode == 404)
            {
                return Final(WebhookDeliveryStatus.Failed, null, "room deleted before delivery", null);
            }

            if (payload is null)
            {
                return Final(WebhookDeliveryStatus.Failed, null, "message deleted before delivery", null);
            }

            await _store.SavePayloadAsync(d.Id, _leaseOwner, payload, stopping);
        }

        var body = Encoding.UTF8.GetBytes(payload);
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, bot.WebhookUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Circul-Delivery", d.Id);
        request.Headers.Add("X-Circul-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-Circul-Signature", WebhookSignature.Sign(bot.SigningSecret, timestamp, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_options.TimeoutMs);
        var started = Stopwatch.GetTimestamp();
        int status;
        byte[]? answer = null;
        var tooLarge = false;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                (answer, tooLarge) = await ReadCappedAsync(response.Content, _options.MaxResponseBytes, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            return Retry(d, null, $"timed out after {_options.TimeoutMs} ms", Elapsed(started));
        }
        catch (HttpRequestException e) when (Find<WebhookAddressRefusedException>(e) is { } refused)
        {
            return Final(WebhookDeliveryStatus.Failed, null, refused.Message, Elapsed(started));
        }
        catch (HttpRequestException e)
        {
            return Retry(d, null, "connection failed: " + e.Message, Elapsed(started));
        }

        var latency = Elapsed(started);
        if (status is >= 200 and < 300)
        {
            var (replyId, replyError) = tooLarge
                ? (null, $"answer larger than {_options.MaxResponseBytes} bytes: no reply posted")
                : await ReplyAsync(d, bot, answer!);
            if (replyError is not null)
            {
                _logger.ReplyFailed(d.Id, replyError);
            }

            return new WebhookAttemptOutcome(WebhookDeliveryStatus.Succeeded, _time.GetUtcNow(), status, replyError, latency, _time.GetUtcNow(), replyId);
        }

        if (status >= 500)
        {
            return Retry(d, status, $"HTTP {status}", latency);
        }

        return Final(WebhookDeliveryStatus.Failed, status, status is >= 300 and < 400 ? $"HTTP {status}: redirects are not followed" : $"HTTP {status}", latency);
    }

    private WebhookAttemptOutcome Retry(WebhookDeliveryRecord d, int? status, string error, int latency)
    {
        if (d.Attempts >= _options.MaxAttempts)
        {
            return Final(WebhookDeliveryStatus.Failed, status, error, latency);
        }

        var delay = TimeSpan.FromMilliseconds(_options.RetryBaseDelayMs * Math.Pow(2, d.Attempts - 1));
        return new WebhookAttemptOutcome(WebhookDeliveryStatus.Pending, _time.GetUtcNow() + delay, status, error, latency, null, null);
    }

    private WebhookAttemptOutcome Final(string status, int? code, string? error, int? latency) =>
        new(status, _time.GetUtcNow(), code, error, latency, _time.GetUtcNow(), null);

    /// <summary>The body: the message and the history before it as the bot may read them; null when the message is gone.</summary>
    private async Task<string?> BuildPayloadAsync(WebhookDeliveryRecord d, WebhookBotRecord bot)
    {
        var stored = await _messages.GetMessageAsync(d.MessageId);
        if (stored is null)
        {
            return null;
        }

        SenderDto? panelSender = null;
        var mayReadHistory = true;
        if (d.PanelId is not null)
        {
            var snapshot = await _snapshots.LatestAsync(d.PanelId);
            panelSender = new SenderDto(d.PanelId, snapshot.Permissions.PanelName, false, "");
            mayReadHistory = (snapshot.InChannel(d.BotId, d.RoomId) & Permission.ReadMessageHistory) != 0;
        }

        IReadOnlyList<StoredMessage> history = bot.HistoryLimit > 0 && mayReadHistory
            ? await _messages.ListMessagesAsync(d.RoomId, bot.HistoryLimit, d.MessageId, null, d.BotId)
            : [];
        var payload = new WebhookPayloadDto(
            d.Event, d.BotId, new WebhookRoomDto(d.RoomKind, d.RoomId, d.PanelId), Map(stored, panelSender),
            [.. history.Reverse().Select(m => Map(m, panelSender))], bot.Metadata);
        return JsonSerializer.Serialize(payload, CirculJson.Options);
    }

    private static MessageDto Map(StoredMessage stored, SenderDto? panelSender)
    {
        var dto = MessageMapper.ToDto(stored);
        return dto.IsSystem && panelSender is not null ? dto with { Sender = panelSender } : dto;
    }

    /// <summary>Posts the answer's <c>text</c> (if any) as the bot's reply to the triggering message, privately to the
    /// triggering user when the bot's visibility is private. The delivery id is the Idempotency-Key, so an attempt
    /// repeated after a crash does not post twice.</summary>
    private async Task<(string? ReplyId, string? Error)> ReplyAsync(WebhookDeliveryRecord d, WebhookBotRecord bot, byte[] answer)
    {
        string? text;
        bool bold = false, italic = false;
        try
        {
            using var json = JsonDocument.Parse(answer);
            if (json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String)
            {
                return (null, null);
            }

            text = t.GetString()!.Trim();
            bold = json.RootElement.TryGetProperty("bold", out var b) && b.ValueKind == JsonValueKind.True;
            italic = json.RootElement.TryGetProperty("italic", out var i) && i.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return (null, null); // not JSON: delivered, nothing to post
        }

        if (text.Length == 0)
        {
            return (null, null);
        }

        if (text.Length > _maxTextLength)
        {
            return (null, $"reply text longer than {_maxTextLength} characters: not posted");
        }

        var visibleTo = bot.Visibility == WebhookTriggers.Private ? d.TriggeredBy : null;
        var draft = new MessageDraft(text, bold, italic, [], d.MessageId, visibleTo);
        try
        {
            var reply = d.PanelId is null
                ? await _grains.GetGrain<IConversationGrain>(d.RoomId).SendMessageAsync(d.BotId, draft, d.Id)
                : await _grains.GetGrain<IChannelGrain>(d.RoomId).SendMessageAsync(d.PanelId, d.BotId, draft, d.Id);
            return (reply.Id, null);
        }
        catch (ApiException e)
        {
            return (null, "reply not posted: " + e.Message);
        }
    }

    private static async Task<(byte[] Body, bool TooLarge)> ReadCappedAsync(HttpContent content, int max, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        while (true)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                return (buffer.ToArray(), false);
            }

            if (buffer.Length + read > max)
            {
                return ([], true);
            }

            buffer.Write(chunk, 0, read);
        }
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static int Elapsed(long started) => (int)Math.Min(int.MaxValue, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
}
