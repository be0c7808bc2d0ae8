namespace Circul.Storage;

/// <summary><see cref="ITokenStore"/> over ADO.NET (both dialects).</summary>
internal sealed class SqlTokenStore(SqlDialect dialect) : ITokenStore
{
    public async Task AddTokenAsync(TokenRecord token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(
            "INSERT INTO tokens (hash, user_id, kind, created_at) VALUES (@hash, @user_id, @kind, @created_at)");
        command.AddText("hash", token.Hash);
        command.AddText("user_id", token.UserId);
        command.AddText("kind", token.Kind);
        command.AddTimestamp(dialect, "created_at", token.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<TokenRecord?> FindTokenAsync(string hash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hash);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand("SELECT hash, user_id, kind, created_at FROM tokens WHERE hash = @hash");
        command.AddText("hash", hash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new TokenRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), dialect.GetTimestamp(reader, 3));
    }

    public async Task<bool> DeleteTokenAsync(string hash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hash);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand("DELETE FROM tokens WHERE hash = @hash");
        command.AddText("hash", hash);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<IReadOnlyList<string>> DeleteUserTokensAsync(string userId, string? kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(kind is null
            ? "DELETE FROM tokens WHERE user_id = @user_id RETURNING hash"
            : "DELETE FROM tokens WHERE user_id = @user_id AND kind = @kind RETURNING hash");
        command.AddText("user_id", userId);
        if (kind is not null)
        {
            command.AddText("kind", kind);
        }

        return await command.ReadStringsAsync(cancellationToken).ConfigureAwait(false);
    }
}
