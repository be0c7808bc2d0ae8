namespace Circul.Storage;

/// <summary><see cref="IWebStore"/> over ADO.NET (both dialects).</summary>
internal sealed class SqlWebStore(SqlDialect dialect) : IWebStore
{
    // Rows past expiry are kept this long before the sweep removes them (a consumed state must keep answering "used"
    // for as long as it could otherwise have been valid).
    private static readonly TimeSpan SweepGrace = TimeSpan.FromDays(1);

    public async Task AddSessionAsync(WebSessionRecord session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var sweep = lease.Connection.CreateCommand(
            "DELETE FROM web_sessions WHERE expires_at < @before"))
        {
            sweep.AddTimestamp(dialect, "before", session.CreatedAt - SweepGrace);
            await sweep.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var command = lease.Connection.CreateCommand(
            "INSERT INTO web_sessions (hash, user_id, created_at, expires_at) VALUES (@hash, @user_id, @created_at, @expires_at)");
        command.AddText("hash", session.Hash);
        command.AddText("user_id", session.UserId);
        command.AddTimestamp(dialect, "created_at", session.CreatedAt);
        command.AddTimestamp(dialect, "expires_at", session.ExpiresAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<WebSessionRecord?> FindSessionAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hash);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            "SELECT hash, user_id, created_at, expires_at FROM web_sessions WHERE hash = @hash AND expires_at > @now");
        command.AddText("hash", hash);
        command.AddTimestamp(dialect, "now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new WebSessionRecord(reader.GetString(0), reader.GetString(1), dialect.GetTimestamp(reader, 2), dialect.GetTimestamp(reader, 3));
    }

    public async Task<bool> DeleteSessionAsync(string hash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hash);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand("DELETE FROM web_sessions WHERE hash = @hash");
        command.AddText("hash", hash);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task AddOAuthStateAsync(OAuthStateRecord state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var sweep = lease.Connection.CreateCommand("DELETE FROM oauth_states WHERE expires_at < @before"))
        {
            sweep.AddTimestamp(dialect, "before", state.CreatedAt - SweepGrace);
            await sweep.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var command = lease.Connection.CreateCommand(
            """
            INSERT INTO oauth_states (hash, session_hash, user_id, bot_id, redirect_uri, client_state, created_at, expires_at, consumed_at)
            VALUES (@hash, @session_hash, @user_id, @bot_id, @redirect_uri, @client_state, @created_at, @expires_at, NULL)
            """);
        command.AddText("hash", state.Hash);
        command.AddText("session_hash", state.SessionHash);
        command.AddText("user_id", state.UserId);
        command.AddText("bot_id", state.BotId);
        command.AddText("redirect_uri", state.RedirectUri);
        command.AddText("client_state", state.ClientState);
        command.AddTimestamp(dialect, "created_at", state.CreatedAt);
        command.AddTimestamp(dialect, "expires_at", state.ExpiresAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<OAuthStateRecord?> FindOAuthStateAsync(string hash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hash);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            """
            SELECT hash, session_hash, user_id, bot_id, redirect_uri, client_state, created_at, expires_at, consumed_at
            FROM oauth_states WHERE hash = @hash
            """);
        command.AddText("hash", hash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new OAuthStateRecord(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetNullableString(5), dialect.GetTimestamp(reader, 6), dialect.GetTimestamp(reader, 7),
            reader.IsDBNull(8) ? null : dialect.GetTimestamp(reader, 8));
    }

    public async Task<bool> TryConsumeOAuthStateAsync(string hash, string sessionHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(sessionHash);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(
            """
            UPDATE oauth_states SET consumed_at = @now
            WHERE hash = @hash AND session_hash = @session_hash AND consumed_at IS NULL AND expires_at > @now
            """);
        command.AddText("hash", hash);
        command.AddText("session_hash", sessionHash);
        command.AddTimestamp(dialect, "now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
