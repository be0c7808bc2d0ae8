using System.Globalization;

namespace Circul.Storage;

/// <summary>The grain state documents (<see cref="IGrainStateStore"/>) on the <c>grain_state</c> table. The etag is a version
/// number (as a string) incremented by every write; a clear keeps the row with no data and a bumped version, so an
/// etag is never reused for a key and a stale writer always fails.</summary>
internal sealed class SqlGrainStorage(SqlDialect dialect) : IGrainStateStore
{
    public async Task<GrainStateRecord?> ReadAsync(string grainType, string grainKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainType);
        ArgumentNullException.ThrowIfNull(grainKey);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            "SELECT etag, data FROM grain_state WHERE grain_type = @grain_type AND grain_key = @grain_key");
        command.AddText("grain_type", grainType);
        command.AddText("grain_key", grainKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(1))
        {
            return null;
        }

        return new GrainStateRecord(reader.GetString(1), FormatETag(reader.GetInt64(0)));
    }

    public async Task<string> WriteAsync(string grainType, string grainKey, string json, string? expectedETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainType);
        ArgumentNullException.ThrowIfNull(grainKey);
        ArgumentNullException.ThrowIfNull(json);
        long? expected = null;
        if (expectedETag is not null)
        {
            expected = ParseETag(expectedETag)
                ?? throw new StateConflictException($"Grain state {grainType}/{grainKey}: '{expectedETag}' is not an etag of this storage.");
        }

        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        // A new key is inserted at version 1; a cleared one (data NULL) continues its versions.
        await using var command = lease.Connection.CreateCommand(expected is null
            ? """
              INSERT INTO grain_state (grain_type, grain_key, etag, data) VALUES (@grain_type, @grain_key, 1, @data)
              ON CONFLICT (grain_type, grain_key) DO UPDATE SET etag = grain_state.etag + 1, data = excluded.data
              WHERE grain_state.data IS NULL
              RETURNING etag
              """
            : """
              UPDATE grain_state SET etag = etag + 1, data = @data
              WHERE grain_type = @grain_type AND grain_key = @grain_key AND etag = @expected AND data IS NOT NULL
              RETURNING etag
              """);
        command.AddText("grain_type", grainType);
        command.AddText("grain_key", grainKey);
        command.AddText("data", json);
        if (expected is not null)
        {
            command.AddInt64("expected", expected.Value);
        }

        var etag = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (etag is null or DBNull)
        {
            throw new StateConflictException(expectedETag is null
                ? $"Grain state {grainType}/{grainKey} exists already (expected none)."
                : $"Grain state {grainType}/{grainKey} is no longer at etag {expectedETag}.");
        }

        return FormatETag(Convert.ToInt64(etag, CultureInfo.InvariantCulture));
    }

    public async Task ClearAsync(string grainType, string grainKey, string? expectedETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainType);
        ArgumentNullException.ThrowIfNull(grainKey);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (expectedETag is null)
        {
            // Expecting nothing: clearing nothing is a no-op, but existing state means the caller is stale.
            await using var exists = lease.Connection.CreateCommand(
                "SELECT COUNT(*) FROM grain_state WHERE grain_type = @grain_type AND grain_key = @grain_key AND data IS NOT NULL");
            exists.AddText("grain_type", grainType);
            exists.AddText("grain_key", grainKey);
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0)
            {
                throw new StateConflictException($"Grain state {grainType}/{grainKey} exists (expected none).");
            }

            return;
        }

        var expected = ParseETag(expectedETag)
            ?? throw new StateConflictException($"Grain state {grainType}/{grainKey}: '{expectedETag}' is not an etag of this storage.");
        await using var command = lease.Connection.CreateCommand(
            """
            UPDATE grain_state SET etag = etag + 1, data = NULL
            WHERE grain_type = @grain_type AND grain_key = @grain_key AND etag = @expected AND data IS NOT NULL
            """);
        command.AddText("grain_type", grainType);
        command.AddText("grain_key", grainKey);
        command.AddInt64("expected", expected);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new StateConflictException($"Grain state {grainType}/{grainKey} is no longer at etag {expectedETag}.");
        }
    }

    private static string FormatETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    private static long? ParseETag(string etag) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
}
