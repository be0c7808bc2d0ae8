using System.Data;

namespace Circul.Storage;

/// <summary>The SQL of each <see cref="WriteOp"/> (both dialects).</summary>
internal static class WriteOpStatements
{
    /// <summary>How long an Idempotency-Key is honoured; an older row may be taken over by a new message.</summary>
    internal static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);

    private const string InsertMessage =
        """
        INSERT INTO messages (id, room_id, panel_id, sender_id, text, bold, italic, mentions, reply_to_id, is_system,
                              created_at, edited_at, deleted_at, visible_to)
        VALUES (@id, @room_id, @panel_id, @sender_id, @text, @bold, @italic, @mentions, @reply_to_id, @is_system,
                @created_at, @edited_at, NULL, @visible_to)
        """;

    private const string InsertIdempotencyKey =
        """
        INSERT INTO idempotency_keys (sender_id, key, message_id, created_at, request_hash)
        VALUES (@sender_id, @key, @message_id, @created_at, @request_hash)
        ON CONFLICT (sender_id, key) DO UPDATE SET
            message_id = excluded.message_id, created_at = excluded.created_at, request_hash = excluded.request_hash
        WHERE idempotency_keys.created_at < @expired_before
        """;

    private const string InsertDelivery =
        """
        INSERT INTO webhook_deliveries (id, bot_id, event, room_kind, room_id, panel_id, message_id, triggered_by, status, attempts,
                                        next_attempt_at, created_at)
        VALUES (@id, @bot_id, @event, @room_kind, @room_id, @panel_id, @message_id, @triggered_by, @status, 0, @created_at, @created_at)
        """;

    private const string EditMessage =
        "UPDATE messages SET text = @text, edited_at = @edited_at WHERE id = @id AND deleted_at IS NULL";

    private const string DeleteMessage =
        "UPDATE messages SET deleted_at = @deleted_at WHERE id = @id AND deleted_at IS NULL";

    private const string AddReaction =
        """
        INSERT INTO reactions (message_id, emoji, user_id, created_at) VALUES (@message_id, @emoji, @user_id, @created_at)
        ON CONFLICT DO NOTHING
        """;

    private const string RemoveReaction =
        "DELETE FROM reactions WHERE message_id = @message_id AND emoji = @emoji AND user_id = @user_id";

    private const string SetReadMarker =
        """
        INSERT INTO read_markers (room_id, user_id, message_id) VALUES (@room_id, @user_id, @message_id)
        ON CONFLICT (room_id, user_id) DO UPDATE SET message_id = excluded.message_id
        WHERE excluded.message_id > read_markers.message_id
        """;

    private const string UpsertPresence =
        """
        INSERT INTO presence_connections (user_id, silo, connections) VALUES (@user_id, @silo, @connections)
        ON CONFLICT (user_id, silo) DO UPDATE SET connections = excluded.connections
        """;

    private const string DeletePresence = "DELETE FROM presence_connections WHERE user_id = @user_id AND silo = @silo";

    /// <summary>Appends the statements of <paramref name="op"/> to <paramref name="statements"/>.</summary>
    public static void Append(WriteOp op, SqlDialect dialect, List<SqlStatement> statements)
    {
        switch (op)
        {
            case InsertMessageOp insert:
                var m = insert.Message;
                statements.Add(new SqlStatement(InsertMessage,
                [
                    Text("id", m.Id),
                    Text("room_id", m.RoomId),
                    Text("panel_id", m.PanelId),
                    Text("sender_id", m.SenderId),
                    Text("text", m.Text),
                    Bool("bold", m.Bold),
                    Bool("italic", m.Italic),
                    Text("mentions", Db.ToJson(m.Mentions ?? [])),
                    Text("reply_to_id", m.ReplyToId),
                    Bool("is_system", m.IsSystem),
                    Db.Timestamp(dialect, "created_at", m.CreatedAt),
                    Db.Timestamp(dialect, "edited_at", m.EditedAt),
                    Text("visible_to", m.VisibleTo),
                ]));
                if (insert.IdempotencyKey is not null)
                {
                    statements.Add(new SqlStatement(InsertIdempotencyKey,
                    [
                        Text("sender_id", m.SenderId),
                        Text("key", insert.IdempotencyKey),
                        Text("message_id", m.Id),
                        Db.Timestamp(dialect, "created_at", m.CreatedAt),
                        Db.Timestamp(dialect, "expired_before", m.CreatedAt - IdempotencyWindow),
                        Text("request_hash", insert.RequestHash),
                    ]));
                }

                foreach (var d in insert.Deliveries)
                {
                    statements.Add(new SqlStatement(InsertDelivery,
                    [
                        Text("id", d.Id),
                        Text("bot_id", d.BotId),
                        Text("event", d.Event),
                        Text("room_kind", d.RoomKind),
                        Text("room_id", d.RoomId),
                        Text("panel_id", d.PanelId),
                        Text("message_id", d.MessageId),
                        Text("triggered_by", d.TriggeredBy),
                        Text("status", WebhookDeliveryStatus.Pending),
                        Db.Timestamp(dialect, "created_at", d.CreatedAt),
                    ]));
                }

                break;

            case EditMessageOp edit:
                statements.Add(new SqlStatement(EditMessage,
                [
                    Text("text", edit.Text),
                    Db.Timestamp(dialect, "edited_at", edit.EditedAt),
                    Text("id", edit.MessageId),
                ]));
                break;

            case DeleteMessageOp delete:
                statements.Add(new SqlStatement(DeleteMessage,
                [
                    Db.Timestamp(dialect, "deleted_at", delete.DeletedAt),
                    Text("id", delete.MessageId),
                ]));
                break;

            case AddReactionOp add:
                statements.Add(new SqlStatement(AddReaction,
                [
                    Text("message_id", add.MessageId),
                    Text("emoji", add.Emoji),
                    Text("user_id", add.UserId),
                    Db.Timestamp(dialect, "created_at", add.At),
                ]));
                break;

            case RemoveReactionOp remove:
                statements.Add(new SqlStatement(RemoveReaction,
                [
                    Text("message_id", remove.MessageId),
                    Text("emoji", remove.Emoji),
                    Text("user_id", remove.UserId),
                ]));
                break;

            case SetReadMarkerOp marker:
                statements.Add(new SqlStatement(SetReadMarker,
                [
                    Text("room_id", marker.RoomId),
                    Text("user_id", marker.UserId),
                    Text("message_id", marker.MessageId),
                ]));
                break;

            case SetPresenceOp presence:
                statements.Add(presence.Connections > 0
                    ? new SqlStatement(UpsertPresence,
                    [
                        Text("user_id", presence.UserId),
                        Text("silo", presence.Silo),
                        new SqlArg("connections", presence.Connections, DbType.Int32),
                    ])
                    : new SqlStatement(DeletePresence, [Text("user_id", presence.UserId), Text("silo", presence.Silo)]));
                break;

            default:
                throw new NotSupportedException($"The durable writer does not know {op.GetType().Name}.");
        }
    }

    private static SqlArg Text(string name, string? value) => new(name, value, DbType.String);

    private static SqlArg Bool(string name, bool value) => new(name, value, DbType.Boolean);
}
