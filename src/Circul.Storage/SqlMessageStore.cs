using System.Data.Common;

namespace Circul.Storage;

/// <summary><see cref="IMessageStore"/> over ADO.NET (both dialects). Writes go through the durable writer.</summary>
internal sealed class SqlMessageStore(SqlDialect dialect) : IMessageStore
{
    private const string Select =
        """
        SELECT m.id, m.room_id, m.panel_id, m.sender_id, m.text, m.bold, m.italic, m.mentions, m.reply_to_id,
               m.is_system, m.created_at, m.edited_at, m.visible_to, u.name, u.is_bot, u.avatar_url
        FROM messages m
        LEFT JOIN users u ON u.id = m.sender_id
        """;

    // A private message (visible_to set) exists only for its sender and its visible_to user; filtering here, not
    // after the query, keeps a page's limit counting only what the viewer can see.
    private const string Visible =
        "m.deleted_at IS NULL AND (m.visible_to IS NULL OR m.visible_to = @viewer_id OR m.sender_id = @viewer_id)";

    public async Task<StoredMessage?> GetMessageAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand($"{Select} WHERE m.id = @id AND m.deleted_at IS NULL");
        command.AddText("id", id);
        var messages = await ReadPageAsync(connection, command, cancellationToken).ConfigureAwait(false);
        return messages.Count == 0 ? null : messages[0];
    }

    public async Task<IReadOnlyList<StoredMessage>> ListMessagesAsync(string roomId, int limit, string? before, string? after, string viewerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentNullException.ThrowIfNull(viewerId);
        if (limit <= 0)
        {
            return [];
        }

        // "after" pages forward (oldest first from the anchor), everything else backward; the result is newest first.
        var ascending = after is not null;
        var sql = $"{Select} WHERE m.room_id = @room_id AND {Visible}"
            + (before is null ? string.Empty : " AND m.id < @before")
            + (after is null ? string.Empty : " AND m.id > @after")
            + (ascending ? " ORDER BY m.id ASC" : " ORDER BY m.id DESC")
            + " LIMIT @limit";

        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(sql);
        command.AddText("room_id", roomId);
        command.AddText("viewer_id", viewerId);
        if (before is not null)
        {
            command.AddText("before", before);
        }

        if (after is not null)
        {
            command.AddText("after", after);
        }

        command.AddInt32("limit", limit);
        var messages = await ReadPageAsync(connection, command, cancellationToken).ConfigureAwait(false);
        if (ascending)
        {
            messages.Reverse();
        }

        return messages;
    }

    public async Task<IReadOnlyDictionary<string, RoomLastMessages>> GetLastMessageIdsAsync(IReadOnlyCollection<string> roomIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomIds);
        var result = new Dictionary<string, RoomLastMessages>(StringComparer.Ordinal);
        if (roomIds.Count == 0)
        {
            return result;
        }

        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            "SELECT room_id, MAX(id), MAX(CASE WHEN visible_to IS NULL THEN id END) FROM messages"
            + $" WHERE {dialect.InList("room_id", "@room_ids")} AND deleted_at IS NULL GROUP BY room_id");
        dialect.AddStringList(command, "room_ids", roomIds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetString(0)] = new RoomLastMessages(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }

        return result;
    }

    public async Task<IdempotentSend?> FindIdempotentMessageAsync(string senderId, string key, DateTimeOffset notBefore, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(senderId);
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            "SELECT message_id, request_hash FROM idempotency_keys WHERE sender_id = @sender_id AND key = @key AND created_at >= @not_before");
        command.AddText("sender_id", senderId);
        command.AddText("key", key);
        command.AddTimestamp(dialect, "not_before", notBefore);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new IdempotentSend(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    public async Task<IReadOnlyDictionary<string, int>> CountUnreadAsync(string userId, IReadOnlyCollection<string> roomIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(roomIds);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (roomIds.Count == 0)
        {
            return result;
        }

        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            $"""
            SELECT m.room_id, COUNT(*) FROM messages m
            LEFT JOIN read_markers r ON r.room_id = m.room_id AND r.user_id = @viewer_id
            WHERE {dialect.InList("m.room_id", "@room_ids")} AND m.sender_id <> @viewer_id AND {Visible}
              AND (r.message_id IS NULL OR m.id > r.message_id)
            GROUP BY m.room_id
            """);
        dialect.AddStringList(command, "room_ids", roomIds);
        command.AddText("viewer_id", userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }

        return result;
    }

    public async Task<int> CountMessagesAfterAsync(string roomId, string? afterId, string excludeSenderId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentNullException.ThrowIfNull(excludeSenderId);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Messages only someone else may see (visible_to) are not unread for this user.
        await using var command = connection.CreateCommand(
            "SELECT COUNT(*) FROM messages m WHERE m.room_id = @room_id AND m.sender_id <> @viewer_id AND "
            + Visible
            + (afterId is null ? string.Empty : " AND m.id > @after"));
        command.AddText("room_id", roomId);
        command.AddText("viewer_id", excludeSenderId);
        if (afterId is not null)
        {
            command.AddText("after", afterId);
        }

        var count = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt32(count, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the messages of <paramref name="command"/>, then their reactions in one query.</summary>
    private async Task<List<StoredMessage>> ReadPageAsync(DbConnection connection, DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<(MessageRecord Message, SenderRecord Sender)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(ReadRow(reader));
            }
        }

        if (rows.Count == 0)
        {
            return [];
        }

        var reactions = new Dictionary<string, List<ReactionRecord>>(StringComparer.Ordinal);
        await using (var reactionCommand = connection.CreateCommand(
            $"SELECT message_id, emoji, user_id, created_at FROM reactions WHERE {dialect.InList("message_id", "@message_ids")} ORDER BY created_at, {dialect.InsertionOrderColumn}"))
        {
            dialect.AddStringList(reactionCommand, "message_ids", rows.ConvertAll(r => r.Message.Id));
            await using var reader = await reactionCommand.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var messageId = reader.GetString(0);
                if (!reactions.TryGetValue(messageId, out var list))
                {
                    reactions[messageId] = list = [];
                }

                list.Add(new ReactionRecord(reader.GetString(1), reader.GetString(2), dialect.GetTimestamp(reader, 3)));
            }
        }

        return rows.ConvertAll(r => new StoredMessage(
            r.Message,
            r.Sender,
            reactions.TryGetValue(r.Message.Id, out var list) ? list : []));
    }

    private (MessageRecord Message, SenderRecord Sender) ReadRow(DbDataReader reader)
    {
        var message = new MessageRecord(
            Id: reader.GetString(0),
            RoomId: reader.GetString(1),
            PanelId: reader.GetNullableString(2),
            SenderId: reader.GetString(3),
            Text: reader.GetString(4),
            Bold: reader.GetBoolean(5),
            Italic: reader.GetBoolean(6),
            Mentions: Db.FromJsonList(reader.GetNullableString(7)),
            ReplyToId: reader.GetNullableString(8),
            IsSystem: reader.GetBoolean(9),
            CreatedAt: dialect.GetTimestamp(reader, 10),
            EditedAt: dialect.GetNullableTimestamp(reader, 11),
            VisibleTo: reader.GetNullableString(12));
        // A sender whose row is missing still yields the message, with an empty profile.
        var sender = new SenderRecord(
            message.SenderId,
            reader.GetNullableString(13) ?? string.Empty,
            !reader.IsDBNull(14) && reader.GetBoolean(14),
            reader.GetNullableString(15) ?? string.Empty);
        return (message, sender);
    }
}
