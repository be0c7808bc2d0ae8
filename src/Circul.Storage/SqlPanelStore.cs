using System.Data.Common;

namespace Circul.Storage;

/// <summary><see cref="IPanelStore"/> over ADO.NET (both dialects).</summary>
internal sealed class SqlPanelStore(SqlDialect dialect) : IPanelStore
{
    public async Task<IReadOnlyList<PanelMemberRecord>> GetMembersAsync(string panelId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            $"SELECT user_id, role_ids, joined_at FROM panel_members WHERE panel_id = @panel_id ORDER BY joined_at, {dialect.InsertionOrderColumn}");
        command.AddText("panel_id", panelId);
        var members = new List<PanelMemberRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            members.Add(new PanelMemberRecord(panelId, reader.GetString(0), Db.FromJsonList(reader.GetString(1)), dialect.GetTimestamp(reader, 2)));
        }

        return members;
    }

    public Task<bool> AddMemberAsync(string panelId, string userId, DateTimeOffset joinedAt, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "INSERT INTO panel_members (panel_id, user_id, role_ids, joined_at) VALUES (@panel_id, @user_id, '[]', @joined_at) ON CONFLICT DO NOTHING",
            c =>
            {
                c.AddText("panel_id", panelId);
                c.AddText("user_id", userId);
                c.AddTimestamp(dialect, "joined_at", joinedAt);
            },
            cancellationToken);

    public Task<bool> RemoveMemberAsync(string panelId, string userId, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "DELETE FROM panel_members WHERE panel_id = @panel_id AND user_id = @user_id",
            c =>
            {
                c.AddText("panel_id", panelId);
                c.AddText("user_id", userId);
            },
            cancellationToken);

    public Task SetMemberRolesAsync(string panelId, string userId, IReadOnlyList<string> roleIds, CancellationToken cancellationToken = default) =>
        WriteAsync(
            "UPDATE panel_members SET role_ids = @role_ids WHERE panel_id = @panel_id AND user_id = @user_id",
            c =>
            {
                c.AddText("role_ids", Db.ToJson(roleIds));
                c.AddText("panel_id", panelId);
                c.AddText("user_id", userId);
            },
            cancellationToken);

    public async Task RemoveRoleFromMembersAsync(string panelId, string roleId, CancellationToken cancellationToken = default)
    {
        // Role lists are small JSON arrays; the members holding the role are rewritten one row each.
        var holders = (await GetMembersAsync(panelId, cancellationToken).ConfigureAwait(false)).Where(m => m.RoleIds.Contains(roleId)).ToList();
        foreach (var member in holders)
        {
            await SetMemberRolesAsync(panelId, member.UserId, [.. member.RoleIds.Where(r => r != roleId)], cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<IReadOnlyList<string>> ListPanelIdsAsync(string userId, CancellationToken cancellationToken = default) =>
        ReadStringsAsync(
            "SELECT panel_id FROM panel_members WHERE user_id = @user_id ORDER BY joined_at, panel_id",
            c => c.AddText("user_id", userId),
            cancellationToken);

    public Task<IReadOnlyList<string>> ListPanelPeersAsync(string userId, int maxPanelSize, CancellationToken cancellationToken = default) =>
        ReadStringsAsync(
            """
            SELECT DISTINCT peer.user_id
            FROM panel_members mine
            JOIN panel_members peer ON peer.panel_id = mine.panel_id
            WHERE mine.user_id = @user_id AND peer.user_id <> @user_id
              AND (SELECT COUNT(*) FROM panel_members size WHERE size.panel_id = mine.panel_id) <= @max_size
            """,
            c =>
            {
                c.AddText("user_id", userId);
                c.AddInt64("max_size", maxPanelSize);
            },
            cancellationToken);

    public async Task<bool> SharePanelAsync(string userId, string otherUserId, CancellationToken cancellationToken = default)
    {
        var shared = await ReadStringsAsync(
            """
            SELECT mine.panel_id FROM panel_members mine
            JOIN panel_members other ON other.panel_id = mine.panel_id
            WHERE mine.user_id = @user_id AND other.user_id = @other_id
            LIMIT 1
            """,
            c =>
            {
                c.AddText("user_id", userId);
                c.AddText("other_id", otherUserId);
            },
            cancellationToken).ConfigureAwait(false);
        return shared.Count > 0;
    }

    public Task AddBanAsync(PanelBanRecord ban, CancellationToken cancellationToken = default) =>
        WriteAsync(
            """
            INSERT INTO panel_bans (panel_id, user_id, reason, banned_by, created_at)
            VALUES (@panel_id, @user_id, @reason, @banned_by, @created_at) ON CONFLICT DO NOTHING
            """,
            c =>
            {
                c.AddText("panel_id", ban.PanelId);
                c.AddText("user_id", ban.UserId);
                c.AddText("reason", ban.Reason);
                c.AddText("banned_by", ban.BannedBy);
                c.AddTimestamp(dialect, "created_at", ban.CreatedAt);
            },
            cancellationToken);

    public async Task<bool> IsBannedAsync(string panelId, string userId, CancellationToken cancellationToken = default)
    {
        var rows = await ReadStringsAsync(
            "SELECT user_id FROM panel_bans WHERE panel_id = @panel_id AND user_id = @user_id",
            c =>
            {
                c.AddText("panel_id", panelId);
                c.AddText("user_id", userId);
            },
            cancellationToken).ConfigureAwait(false);
        return rows.Count > 0;
    }

    public Task CreateInviteAsync(PanelInviteRecord invite, CancellationToken cancellationToken = default) =>
        WriteAsync(
            """
            INSERT INTO panel_invites (code, panel_id, creator_id, created_at, expires_at, max_uses, uses)
            VALUES (@code, @panel_id, @creator_id, @created_at, @expires_at, @max_uses, @uses)
            """,
            c =>
            {
                c.AddText("code", invite.Code);
                c.AddText("panel_id", invite.PanelId);
                c.AddText("creator_id", invite.CreatorId);
                c.AddTimestamp(dialect, "created_at", invite.CreatedAt);
                c.AddTimestamp(dialect, "expires_at", invite.ExpiresAt);
                c.AddInt32("max_uses", invite.MaxUses);
                c.AddInt32("uses", invite.Uses);
            },
            cancellationToken);

    public async Task<PanelInviteRecord?> GetInviteAsync(string code, CancellationToken cancellationToken = default)
    {
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            "SELECT code, panel_id, creator_id, created_at, expires_at, max_uses, uses FROM panel_invites WHERE code = @code");
        command.AddText("code", code);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new PanelInviteRecord(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), dialect.GetTimestamp(reader, 3),
            dialect.GetNullableTimestamp(reader, 4), reader.GetInt32(5), reader.GetInt32(6));
    }

    public Task<bool> TryUseInviteAsync(string code, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        WriteAsync(
            """
            UPDATE panel_invites SET uses = uses + 1
            WHERE code = @code AND (expires_at IS NULL OR expires_at > @now) AND (max_uses = 0 OR uses < max_uses)
            """,
            c =>
            {
                c.AddText("code", code);
                c.AddTimestamp(dialect, "now", now);
            },
            cancellationToken);

    public async Task DeletePanelAsync(string panelId, CancellationToken cancellationToken = default)
    {
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await lease.Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in new[] { "panel_members", "panel_invites" })
        {
            await using var command = lease.Connection.CreateCommand($"DELETE FROM {table} WHERE panel_id = @panel_id", transaction);
            command.AddText("panel_id", panelId);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> WriteAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(sql);
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private async Task<IReadOnlyList<string>> ReadStringsAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(sql);
        bind(command);
        return await command.ReadStringsAsync(cancellationToken).ConfigureAwait(false);
    }
}
