namespace Circul.Storage;

/// <summary><see cref="IConversationStore"/> over ADO.NET (both dialects).</summary>
internal sealed class SqlConversationStore(SqlDialect dialect) : IConversationStore
{
    public async Task<string> CreateConversationAsync(ConversationRecord conversation, IReadOnlyCollection<string> memberIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(memberIds);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = lease.Connection;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // ON CONFLICT DO NOTHING without a target covers both the id and the dm_key: on PostgreSQL a concurrent
        // insert of the same dm_key waits for the first transaction and then does nothing.
        int inserted;
        await using (var insert = connection.CreateCommand(
            """
            INSERT INTO conversations (id, kind, name, owner_id, dm_key, created_at)
            VALUES (@id, @kind, @name, @owner_id, @dm_key, @created_at)
            ON CONFLICT DO NOTHING
            """,
            transaction))
        {
            insert.AddText("id", conversation.Id);
            insert.AddText("kind", conversation.Kind);
            insert.AddText("name", conversation.Name);
            insert.AddText("owner_id", conversation.OwnerId);
            insert.AddText("dm_key", conversation.DmKey);
            insert.AddTimestamp(dialect, "created_at", conversation.CreatedAt);
            inserted = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (inserted == 0)
        {
            string? existing = null;
            if (conversation.DmKey is not null)
            {
                await using var find = connection.CreateCommand("SELECT id FROM conversations WHERE dm_key = @dm_key", transaction);
                find.AddText("dm_key", conversation.DmKey);
                existing = await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            // No dm_key match: the id itself existed (a retried create); it is that conversation.
            return existing ?? conversation.Id;
        }

        await using (var member = connection.CreateCommand(
            "INSERT INTO conversation_members (conv_id, user_id, joined_at) VALUES (@conv_id, @user_id, @joined_at) ON CONFLICT DO NOTHING",
            transaction))
        {
            member.AddText("conv_id", conversation.Id);
            member.AddText("user_id", string.Empty);
            member.AddTimestamp(dialect, "joined_at", conversation.CreatedAt);
            foreach (var userId in memberIds)
            {
                member.Parameters[1].Value = userId;
                await member.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return conversation.Id;
    }

    public async Task<ConversationRecord?> GetConversationAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            "SELECT id, kind, name, owner_id, dm_key, created_at FROM conversations WHERE id = @id");
        command.AddText("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new ConversationRecord(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetNullableString(2),
            reader.GetNullableString(3),
            reader.GetNullableString(4),
            dialect.GetTimestamp(reader, 5));
    }

    public async Task<string?> FindDmAsync(string dmKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dmKey);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand("SELECT id FROM conversations WHERE dm_key = @dm_key");
        command.AddText("dm_key", dmKey);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task<IReadOnlyList<string>> GetMembersAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            $"SELECT user_id FROM conversation_members WHERE conv_id = @conv_id ORDER BY joined_at, {dialect.InsertionOrderColumn}");
        command.AddText("conv_id", conversationId);
        return await command.ReadStringsAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> AddMemberAsync(string conversationId, string userId, DateTimeOffset joinedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(userId);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(
            "INSERT INTO conversation_members (conv_id, user_id, joined_at) VALUES (@conv_id, @user_id, @joined_at) ON CONFLICT DO NOTHING");
        command.AddText("conv_id", conversationId);
        command.AddText("user_id", userId);
        command.AddTimestamp(dialect, "joined_at", joinedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<bool> RemoveMemberAsync(string conversationId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(userId);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(
            "DELETE FROM conversation_members WHERE conv_id = @conv_id AND user_id = @user_id");
        command.AddText("conv_id", conversationId);
        command.AddText("user_id", userId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task SetOwnerAsync(string conversationId, string? ownerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand("UPDATE conversations SET owner_id = @owner_id WHERE id = @id");
        command.AddText("owner_id", ownerId);
        command.AddText("id", conversationId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListConversationIdsAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            "SELECT conv_id FROM conversation_members WHERE user_id = @user_id ORDER BY joined_at, conv_id");
        command.AddText("user_id", userId);
        return await command.ReadStringsAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListConversationPeersAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            """
            SELECT DISTINCT peer.user_id
            FROM conversation_members mine
            JOIN conversation_members peer ON peer.conv_id = mine.conv_id
            WHERE mine.user_id = @user_id AND peer.user_id <> @user_id
            """);
        command.AddText("user_id", userId);
        return await command.ReadStringsAsync(cancellationToken).ConfigureAwait(false);
    }
}
