namespace Circul.Storage;

/// <summary>Reads of <c>presence_connections</c>: which silos hold a user's connections. Writes go through
/// <see cref="IDurableWriter"/> as <see cref="SetPresenceOp"/>.</summary>
public interface IPresenceStore
{
    /// <summary>The silos holding connections of <paramref name="userId"/>, with their counts.</summary>
    Task<IReadOnlyDictionary<string, int>> GetConnectionsAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>The users with connections on <paramref name="silo"/>.</summary>
    Task<IReadOnlyList<string>> ListUsersOnSiloAsync(string silo, CancellationToken cancellationToken = default);

    /// <summary>Every silo that has a row.</summary>
    Task<IReadOnlyList<string>> ListSilosAsync(CancellationToken cancellationToken = default);
}
