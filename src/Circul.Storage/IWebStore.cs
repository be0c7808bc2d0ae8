namespace Circul.Storage;

/// <summary>Browser sessions and OAuth state tokens of the web pages (shared by every silo on one database).</summary>
public interface IWebStore
{
    /// <summary>Stores a new session; expired sessions and states are swept on the way.</summary>
    Task AddSessionAsync(WebSessionRecord session, CancellationToken cancellationToken = default);

    /// <summary>The session with this hash if it has not expired at <paramref name="now"/>, else null.</summary>
    Task<WebSessionRecord?> FindSessionAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes one session (logout); returns whether it existed.</summary>
    Task<bool> DeleteSessionAsync(string hash, CancellationToken cancellationToken = default);

    Task AddOAuthStateAsync(OAuthStateRecord state, CancellationToken cancellationToken = default);

    /// <summary>The state with this hash (consumed or not, expired or not), else null.</summary>
    Task<OAuthStateRecord?> FindOAuthStateAsync(string hash, CancellationToken cancellationToken = default);

    /// <summary>Marks the state consumed in one statement if it belongs to <paramref name="sessionHash"/>, is not
    /// consumed yet and has not expired at <paramref name="now"/>; true for exactly one caller across all silos.</summary>
    Task<bool> TryConsumeOAuthStateAsync(string hash, string sessionHash, DateTimeOffset now, CancellationToken cancellationToken = default);
}
