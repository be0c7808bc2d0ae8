using System.Data.Common;

namespace Circul.Storage;

/// <summary><see cref="IWebhookStore"/> over ADO.NET (both dialects).</summary>
internal sealed class SqlWebhookStore(SqlDialect dialect) : IWebhookStore
{
    private const string BotColumns =
        "bot_id, owner_id, trigger_on, visibility, all_rooms, history_limit, webhook_url, metadata, enabled, signing_secret, created_at";

    private const string DeliveryColumns =
        """
        id, bot_id, event, room_kind, room_id, panel_id, message_id, triggered_by, status, attempts, next_attempt_at,
        created_at, completed_at, payload, last_status_code, last_error, latency_ms, reply_message_id, lease_owner, lease_until
        """;

    // ------------------------------------------------------------------ API keys

    public Task CreateApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return WriteAsync(
            "INSERT INTO api_keys (id, owner_id, name, hash, created_at) VALUES (@id, @owner_id, @name, @hash, @created_at)",
            c =>
            {
                c.AddText("id", key.Id);
                c.AddText("owner_id", key.OwnerId);
                c.AddText("name", key.Name);
                c.AddText("hash", key.Hash);
                c.AddTimestamp(dialect, "created_at", key.CreatedAt);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(string ownerId, CancellationToken cancellationToken = default) =>
        ReadAsync(
            "SELECT id, owner_id, name, hash, created_at FROM api_keys WHERE owner_id = @owner_id ORDER BY created_at, id",
            c => c.AddText("owner_id", ownerId),
            ReadApiKey,
            cancellationToken);

    public Task<bool> DeleteApiKeyAsync(string ownerId, string keyId, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "DELETE FROM api_keys WHERE id = @id AND owner_id = @owner_id",
            c =>
            {
                c.AddText("id", keyId);
                c.AddText("owner_id", ownerId);
            },
            cancellationToken);

    public async Task<ApiKeyRecord?> FindApiKeyAsync(string hash, CancellationToken cancellationToken = default) =>
        (await ReadAsync(
            "SELECT id, owner_id, name, hash, created_at FROM api_keys WHERE hash = @hash",
            c => c.AddText("hash", hash),
            ReadApiKey,
            cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    // ------------------------------------------------------------------ bots

    public Task CreateBotAsync(WebhookBotRecord bot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bot);
        return WriteAsync(
            $"""
            INSERT INTO webhook_bots ({BotColumns})
            VALUES (@bot_id, @owner_id, @trigger_on, @visibility, @all_rooms, @history_limit, @webhook_url, @metadata, @enabled,
                    @signing_secret, @created_at)
            """,
            c => BindBot(c, bot),
            cancellationToken);
    }

    public async Task<WebhookBotRecord?> GetBotAsync(string botId, CancellationToken cancellationToken = default) =>
        (await ReadAsync($"SELECT {BotColumns} FROM webhook_bots WHERE bot_id = @bot_id", c => c.AddText("bot_id", botId), ReadBot, cancellationToken)
            .ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<WebhookBotRecord>> ListBotsAsync(string ownerId, CancellationToken cancellationToken = default) =>
        ReadAsync(
            $"SELECT {BotColumns} FROM webhook_bots WHERE owner_id = @owner_id ORDER BY created_at, bot_id",
            c => c.AddText("owner_id", ownerId),
            ReadBot,
            cancellationToken);

    public Task<bool> UpdateBotAsync(WebhookBotRecord bot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bot);
        return WriteAsync(
            """
            UPDATE webhook_bots SET trigger_on = @trigger_on, visibility = @visibility, all_rooms = @all_rooms,
                history_limit = @history_limit, webhook_url = @webhook_url, metadata = @metadata, enabled = @enabled
            WHERE bot_id = @bot_id
            """,
            c => BindBot(c, bot),
            cancellationToken);
    }

    public async Task<bool> DeleteBotAsync(string botId, CancellationToken cancellationToken = default)
    {
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await lease.Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var deleted = false;
        foreach (var table in new[] { "webhook_bot_rooms", "webhook_deliveries", "webhook_bots" })
        {
            await using var command = lease.Connection.CreateCommand($"DELETE FROM {table} WHERE bot_id = @bot_id", transaction);
            command.AddText("bot_id", botId);
            deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    public Task<bool> AddRoomAsync(string botId, string roomId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "INSERT INTO webhook_bot_rooms (bot_id, room_id, added_at) VALUES (@bot_id, @room_id, @added_at) ON CONFLICT DO NOTHING",
            c =>
            {
                c.AddText("bot_id", botId);
                c.AddText("room_id", roomId);
                c.AddTimestamp(dialect, "added_at", at);
            },
            cancellationToken);

    public Task<bool> RemoveRoomAsync(string botId, string roomId, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "DELETE FROM webhook_bot_rooms WHERE bot_id = @bot_id AND room_id = @room_id",
            c =>
            {
                c.AddText("bot_id", botId);
                c.AddText("room_id", roomId);
            },
            cancellationToken);

    public Task<IReadOnlyList<string>> ListRoomsAsync(string botId, CancellationToken cancellationToken = default) =>
        ReadAsync(
            "SELECT room_id FROM webhook_bot_rooms WHERE bot_id = @bot_id ORDER BY added_at, room_id",
            c => c.AddText("bot_id", botId),
            r => r.GetString(0),
            cancellationToken);

    public Task<IReadOnlyList<WebhookBotRecord>> ListRoomBotsAsync(string roomId, string ownerId, CancellationToken cancellationToken = default) =>
        ReadAsync(
            $"""
            SELECT {BotColumns} FROM webhook_bots b
            WHERE b.owner_id = @owner_id AND b.enabled = @true
              AND (b.all_rooms = @true OR EXISTS (SELECT 1 FROM webhook_bot_rooms r WHERE r.bot_id = b.bot_id AND r.room_id = @room_id))
              AND EXISTS (SELECT 1 FROM users u WHERE u.id = b.bot_id AND NOT u.deleted)
            ORDER BY b.created_at, b.bot_id
            """,
            c =>
            {
                c.AddText("owner_id", ownerId);
                c.AddText("room_id", roomId);
                c.AddBool("true", true);
            },
            ReadBot,
            cancellationToken);

    // ------------------------------------------------------------------ deliveries

    public async Task<IReadOnlyList<WebhookDeliveryRecord>> ClaimDueDeliveriesAsync(
        string leaseOwner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default)
    {
        // The outer conditions are evaluated again on the row as it is when the UPDATE reaches it (PostgreSQL re-checks
        // a row another transaction changed meanwhile), so a row another silo just claimed is skipped, never taken twice.
        const string free = "status = @pending AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)";
        return await ReadWriteAsync(
            $"""
            UPDATE webhook_deliveries SET lease_owner = @lease_owner, lease_until = @lease_until, attempts = attempts + 1
            WHERE id IN (SELECT id FROM webhook_deliveries WHERE {free} ORDER BY next_attempt_at, id LIMIT @max) AND {free}
            RETURNING {DeliveryColumns}
            """,
            c =>
            {
                c.AddText("lease_owner", leaseOwner);
                c.AddTimestamp(dialect, "lease_until", leaseUntil);
                c.AddText("pending", WebhookDeliveryStatus.Pending);
                c.AddTimestamp(dialect, "now", now);
                c.AddInt32("max", max);
            },
            ReadDelivery,
            cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> SavePayloadAsync(string deliveryId, string leaseOwner, string payload, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "UPDATE webhook_deliveries SET payload = @payload WHERE id = @id AND lease_owner = @lease_owner",
            c =>
            {
                c.AddText("payload", payload);
                c.AddText("id", deliveryId);
                c.AddText("lease_owner", leaseOwner);
            },
            cancellationToken);

    public Task<bool> FinishAttemptAsync(string deliveryId, string leaseOwner, WebhookAttemptOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return WriteAsync(
            """
            UPDATE webhook_deliveries SET status = @status, next_attempt_at = @next_attempt_at, last_status_code = @last_status_code,
                last_error = @last_error, latency_ms = @latency_ms, completed_at = @completed_at,
                reply_message_id = COALESCE(@reply_message_id, reply_message_id), lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND lease_owner = @lease_owner
            """,
            c =>
            {
                c.AddText("status", outcome.Status);
                c.AddTimestamp(dialect, "next_attempt_at", outcome.NextAttemptAt);
                AddNullableInt(c, "last_status_code", outcome.StatusCode);
                c.AddText("last_error", outcome.Error);
                AddNullableInt(c, "latency_ms", outcome.LatencyMs);
                c.AddTimestamp(dialect, "completed_at", outcome.CompletedAt);
                c.AddText("reply_message_id", outcome.ReplyMessageId);
                c.AddText("id", deliveryId);
                c.AddText("lease_owner", leaseOwner);
            },
            cancellationToken);
    }

    public async Task ReleaseLeasesAsync(string leaseOwner, IReadOnlyCollection<string> deliveryIds, CancellationToken cancellationToken = default)
    {
        if (deliveryIds.Count == 0)
        {
            return;
        }

        await WriteAsync(
            $"""
            UPDATE webhook_deliveries SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1
            WHERE lease_owner = @lease_owner AND {dialect.InList("id", "@ids")}
            """,
            c =>
            {
                c.AddText("lease_owner", leaseOwner);
                dialect.AddStringList(c, "ids", deliveryIds);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<WebhookDeliveryRecord?> GetDeliveryAsync(string deliveryId, CancellationToken cancellationToken = default) =>
        (await ReadAsync($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE id = @id", c => c.AddText("id", deliveryId), ReadDelivery, cancellationToken)
            .ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<WebhookDeliveryRecord>> ListDeliveriesAsync(string botId, int limit, CancellationToken cancellationToken = default) =>
        ReadAsync(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE bot_id = @bot_id ORDER BY created_at DESC, id DESC LIMIT @limit",
            c =>
            {
                c.AddText("bot_id", botId);
                c.AddInt32("limit", limit);
            },
            ReadDelivery,
            cancellationToken);

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        var rows = await ReadAsync(
            "SELECT next_attempt_at, lease_until FROM webhook_deliveries WHERE status = @pending ORDER BY next_attempt_at LIMIT 1",
            c => c.AddText("pending", WebhookDeliveryStatus.Pending),
            r =>
            {
                var next = dialect.GetTimestamp(r, 0);
                var lease = dialect.GetNullableTimestamp(r, 1);
                return lease is { } l && l > next ? l : next;
            },
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    // ------------------------------------------------------------------ helpers

    private void BindBot(DbCommand c, WebhookBotRecord bot)
    {
        c.AddText("bot_id", bot.BotId);
        c.AddText("owner_id", bot.OwnerId);
        c.AddText("trigger_on", bot.Trigger);
        c.AddText("visibility", bot.Visibility);
        c.AddBool("all_rooms", bot.AllRooms);
        c.AddInt32("history_limit", bot.HistoryLimit);
        c.AddText("webhook_url", bot.WebhookUrl);
        c.AddText("metadata", bot.Metadata);
        c.AddBool("enabled", bot.Enabled);
        c.AddText("signing_secret", bot.SigningSecret);
        c.AddTimestamp(dialect, "created_at", bot.CreatedAt);
    }

    private static void AddNullableInt(DbCommand c, string name, int? value) => c.Add(name, value, System.Data.DbType.Int32);

    private static ApiKeyRecord ReadApiKey(DbDataReader r, SqlDialect d) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), d.GetTimestamp(r, 4));

    private static WebhookBotRecord ReadBot(DbDataReader r, SqlDialect d) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4), r.GetInt32(5), r.GetString(6),
            r.GetNullableString(7), r.GetBoolean(8), r.GetString(9), d.GetTimestamp(r, 10));

    private static WebhookDeliveryRecord ReadDelivery(DbDataReader r, SqlDialect d) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetNullableString(5), r.GetString(6),
            r.GetString(7), r.GetString(8), r.GetInt32(9), d.GetTimestamp(r, 10), d.GetTimestamp(r, 11), d.GetNullableTimestamp(r, 12),
            r.GetNullableString(13), r.IsDBNull(14) ? null : r.GetInt32(14), r.GetNullableString(15), r.IsDBNull(16) ? null : r.GetInt32(16),
            r.GetNullableString(17), r.GetNullableString(18), d.GetNullableTimestamp(r, 19));

    private Task<IReadOnlyList<T>> ReadAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, SqlDialect, T> read, CancellationToken cancellationToken) =>
        ReadAsync(sql, bind, r => read(r, dialect), cancellationToken);

    private async Task<IReadOnlyList<T>> ReadAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(sql);
        bind(command);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private async Task<IReadOnlyList<T>> ReadWriteAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, SqlDialect, T> read, CancellationToken cancellationToken)
    {
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(sql);
        bind(command);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader, dialect));
        }

        return rows;
    }

    private async Task<bool> WriteAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(sql);
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }
}
