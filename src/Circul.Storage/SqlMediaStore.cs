namespace Circul.Storage;

/// <summary><see cref="IMediaStore"/> over ADO.NET (both dialects).</summary>
internal sealed class SqlMediaStore(SqlDialect dialect) : IMediaStore
{
    public async Task PutAsync(MediaRecord media, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(media);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(
            """
            INSERT INTO media (file_name, user_id, mime, data, created_at) VALUES (@file_name, @user_id, @mime, @data, @created_at)
            ON CONFLICT (file_name) DO UPDATE SET
                user_id = excluded.user_id, mime = excluded.mime, data = excluded.data, created_at = excluded.created_at
            """);
        command.AddText("file_name", media.FileName);
        command.AddText("user_id", media.UserId);
        command.AddText("mime", media.Mime);
        command.AddBytes("data", media.Data);
        command.AddTimestamp(dialect, "created_at", media.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<MediaRecord?> GetAsync(string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            "SELECT file_name, user_id, mime, data, created_at FROM media WHERE file_name = @file_name");
        command.AddText("file_name", fileName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new MediaRecord(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetFieldValue<byte[]>(3),
            dialect.GetTimestamp(reader, 4));
    }
}
