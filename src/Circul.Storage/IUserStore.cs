namespace Circul.Storage;

/// <summary>Users (humans and bots).</summary>
public interface IUserStore
{
    /// <summary>Inserts a user. Throws <see cref="DuplicateNameException"/> when the username is taken (case-insensitive).</summary>
    Task CreateUserAsync(UserRecord user, string? passwordHash, CancellationToken cancellationToken = default);

    /// <summary>The login row of a non-deleted human by username (case-insensitive).</summary>
    Task<(string UserId, string PasswordHash)?> FindLoginAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>A user by id, deleted ones included (callers check <see cref="UserRecord.Deleted"/>).</summary>
    Task<UserRecord?> GetUserAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The non-deleted users among <paramref name="ids"/>, in no particular order.</summary>
    Task<IReadOnlyList<UserRecord>> GetUsersAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);

    /// <summary>Writes every profile column of <paramref name="user"/> if the row's version is still
    /// <paramref name="expectedVersion"/>; returns the new version (expected + 1). Throws
    /// <see cref="StateConflictException"/> otherwise.</summary>
    Task<long> UpdateUserAsync(UserRecord user, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>The non-deleted bots owned by a human, oldest first.</summary>
    Task<IReadOnlyList<UserRecord>> ListBotsAsync(string ownerId, CancellationToken cancellationToken = default);
}
