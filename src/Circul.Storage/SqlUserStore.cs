using System.Data.Common;


namespace Circul.Storage;

/// <summary><see cref="IUserStore"/> over ADO.NET (both dialects).</summary>
internal sealed class SqlUserStore(SqlDialect dialect) : IUserStore
{
    private const string Columns =
        "id, username, is_bot, owner_id, name, bio, mood, status, rest_presence, avatar_url, banner_url, description, redirect_uris, created_at, deleted, version";

    private const string UsernameIndex = "username_lower";

    public async Task CreateUserAsync(UserRecord user, string? passwordHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(
            $"""
            INSERT INTO users ({Columns}, username_lower, password_hash)
            VALUES (@id, @username, @is_bot, @owner_id, @name, @bio, @mood, @status, @rest_presence, @avatar_url,
                    @banner_url, @description, @redirect_uris, @created_at, @deleted, @version, @username_lower, @password_hash)
            """);
        BindProfile(command, user);
        command.AddTimestamp(dialect, "created_at", user.CreatedAt);
        command.AddInt64("version", user.Version);
        command.AddText("password_hash", passwordHash);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex) when (dialect.IsUniqueViolationOn(ex, UsernameIndex))
        {
            throw new DuplicateNameException($"The username '{user.Username}' is taken.");
        }
    }

    public async Task<(string UserId, string PasswordHash)?> FindLoginAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            "SELECT id, password_hash FROM users WHERE username_lower = @username_lower AND NOT deleted AND NOT is_bot");
        command.AddText("username_lower", Lower(username));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(1))
        {
            return null;
        }

        return (reader.GetString(0), reader.GetString(1));
    }

    public async Task<UserRecord?> GetUserAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand($"SELECT {Columns} FROM users WHERE id = @id");
        command.AddText("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<UserRecord>> GetUsersAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            $"SELECT {Columns} FROM users WHERE {dialect.InList("id", "@ids")} AND NOT deleted");
        dialect.AddStringList(command, "ids", ids);
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> UpdateUserAsync(UserRecord user, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var lease = await dialect.AcquireWriteConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand(
            """
            UPDATE users SET
                username = @username, username_lower = @username_lower, is_bot = @is_bot, owner_id = @owner_id,
                name = @name, bio = @bio, mood = @mood, status = @status, rest_presence = @rest_presence,
                avatar_url = @avatar_url, banner_url = @banner_url, description = @description,
                redirect_uris = @redirect_uris, deleted = @deleted, version = @new_version
            WHERE id = @id AND version = @expected_version
            """);
        BindProfile(command, user);
        command.AddInt64("new_version", expectedVersion + 1);
        command.AddInt64("expected_version", expectedVersion);
        int rows;
        try
        {
            rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex) when (dialect.IsUniqueViolationOn(ex, UsernameIndex))
        {
            throw new DuplicateNameException($"The username '{user.Username}' is taken.");
        }

        if (rows == 0)
        {
            throw new StateConflictException($"User {user.Id} is not at version {expectedVersion} (changed by another writer, or missing).");
        }

        return expectedVersion + 1;
    }

    public async Task<IReadOnlyList<UserRecord>> ListBotsAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ownerId);
        await using var connection = await dialect.OpenReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(
            $"SELECT {Columns} FROM users WHERE owner_id = @owner_id AND is_bot AND NOT deleted ORDER BY created_at, id");
        command.AddText("owner_id", ownerId);
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static void BindProfile(DbCommand command, UserRecord user)
    {
        command.AddText("id", user.Id);
        command.AddText("username", user.Username);
        command.AddText("username_lower", user.Username is null ? null : Lower(user.Username));
        command.AddBool("is_bot", user.IsBot);
        command.AddText("owner_id", user.OwnerId);
        command.AddText("name", user.Name);
        command.AddText("bio", user.Bio);
        command.AddText("mood", user.Mood);
        command.AddText("status", user.Status);
        command.AddBool("rest_presence", user.RestPresence);
        command.AddText("avatar_url", user.AvatarUrl);
        command.AddText("banner_url", user.BannerUrl);
        command.AddText("description", user.Description);
        command.AddText("redirect_uris", Db.ToJson(user.RedirectUris ?? []));
        command.AddBool("deleted", user.Deleted);
    }

    private static string Lower(string username) => username.ToLowerInvariant();

    private async Task<IReadOnlyList<UserRecord>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var users = new List<UserRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            users.Add(Read(reader));
        }

        return users;
    }

    private UserRecord Read(DbDataReader reader) => new(
        Id: reader.GetString(0),
        Username: reader.GetNullableString(1),
        IsBot: reader.GetBoolean(2),
        OwnerId: reader.GetNullableString(3),
        Name: reader.GetString(4),
        Bio: reader.GetString(5),
        Mood: reader.GetString(6),
        Status: reader.GetString(7),
        RestPresence: reader.GetBoolean(8),
        AvatarUrl: reader.GetString(9),
        BannerUrl: reader.GetString(10),
        Description: reader.GetString(11),
        RedirectUris: Db.FromJsonList(reader.GetNullableString(12)),
        CreatedAt: dialect.GetTimestamp(reader, 13),
        Deleted: reader.GetBoolean(14),
        Version: reader.GetInt64(15));
}
