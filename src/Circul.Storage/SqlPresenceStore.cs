namespace Circul.Storage;

/// <summary><see cref="IPresenceStore"/> over ADO.NET (both dialects).</summary>
internal sealed class SqlPresenceStore(SqlDialect dialect) : IPresenceStore
{
    public async Task<IReadOnlyDictionary<string, int>> GetConnectionsAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand("SELECT silo, connections FROM presence_connections WHERE user_id = @user_id");
        command.AddText("user_id", userId);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetString(0)] = reader.GetInt32(1);
        }

        return result;
    }

    public Task<IReadOnlyList<string>> ListUsersOnSiloAsync(string silo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return ListAsync("SELECT user_id FROM presence_connections WHERE silo = @silo ORDER BY user_id", silo, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListSilosAsync(CancellationToken cancellationToken = default) =>
        ListAsync("SELECT DISTINCT silo FROM presence_connections ORDER BY silo", null, cancellationToken);

    private async Task<IReadOnlyList<string>> ListAsync(string sql, string? silo, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(sql);
        if (silo is not null)
        {
            command.AddText("silo", silo);
        }

        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
