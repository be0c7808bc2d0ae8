namespace Circul.Storage;

/// <summary>Hashed bearer/bot tokens.</summary>
public interface ITokenStore
{
    Task AddTokenAsync(TokenRecord token, CancellationToken cancellationToken = default);

    Task<TokenRecord?> FindTokenAsync(string hash, CancellationToken cancellationToken = default);

    /// <summary>Deletes one token; returns whether it existed.</summary>
    Task<bool> DeleteTokenAsync(string hash, CancellationToken cancellationToken = default);

    /// <summary>Deletes every token of a user (of one kind, or all when <paramref name="kind"/> is null); returns the deleted hashes.</summary>
    Task<IReadOnlyList<string>> DeleteUserTokensAsync(string userId, string? kind, CancellationToken cancellationToken = default);
}
