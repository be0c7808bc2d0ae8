namespace Circul.Storage;

/// <summary><see cref="IReadMarkerStore"/> over ADO.NET (both dialects).</summary>
internal sealed class SqlReadMarkerStore(SqlDialect dialect) : IReadMarkerStore
{
    public async Task<string?> GetReadMarkerAsync(string roomId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentNullException.ThrowIfNull(userId);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            "SELECT message_id FROM read_markers WHERE room_id = @room_id AND user_id = @user_id");
        command.AddText("room_id", roomId);
        command.AddText("user_id", userId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task<IReadOnlyDictionary<string, string>> GetReadMarkersAsync(string userId, IReadOnlyCollection<string> roomIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(roomIds);
        var markers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (roomIds.Count == 0)
        {
            return markers;
        }

        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            $"SELECT room_id, message_id FROM read_markers WHERE user_id = @user_id AND {dialect.InList("room_id", "@room_ids")}");
        command.AddText("user_id", userId);
        dialect.AddStringList(command, "room_ids", roomIds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            markers[reader.GetString(0)] = reader.GetString(1);
        }

        return markers;
    }
}
