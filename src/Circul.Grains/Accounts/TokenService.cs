using System.Collections.Concurrent;
using Circul.Grains.Events;
using Circul.Storage;

namespace Circul.Grains.Accounts;

/// <summary>Resolves tokens to users with a short-lived cache (tokens are looked up on every request), and revokes them.</summary>
public sealed class TokenService(ITokenStore tokens, IGatewayControl gateway, TimeProvider time)
{
    public const int TokenRevokedCloseCode = 4001;
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (AuthenticatedUser User, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    /// <summary>The token's user when the token is valid and of the expected kind, else null.</summary>
    public async Task<AuthenticatedUser?> AuthenticateAsync(string token, string expectedKind, CancellationToken cancellationToken = default)
    {
        var user = await AuthenticateAnyAsync(token, cancellationToken);
        return user?.TokenKind == expectedKind ? user : null;
    }

    /// <summary>The token's user for any kind (the gateway accepts bot and session tokens).</summary>
    public async Task<AuthenticatedUser?> AuthenticateAnyAsync(string token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 256)
        {
            return null;
        }

        var hash = Secrets.HashToken(token);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(hash, out var cached) && cached.Expires > now)
        {
            return cached.User;
        }

        var record = await tokens.FindTokenAsync(hash, cancellationToken);
        if (record is null)
        {
            _cache.TryRemove(hash, out _);
            return null;
        }

        var user = new AuthenticatedUser(record.UserId, record.Kind, hash);
        _cache[hash] = (user, now + CacheLifetime);
        return user;
    }

    /// <summary>Whether a token (by hash) is still valid. Revocation drops the cache entry before it closes sockets,
    /// so a socket registered before this check is either seen by the close or fails this check: never missed.</summary>
    public async Task<bool> IsActiveAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        if (_cache.TryGetValue(tokenHash, out var cached) && cached.Expires > time.GetUtcNow())
        {
            return true;
        }

        return await tokens.FindTokenAsync(tokenHash, cancellationToken) is not null;
    }

    /// <summary>Issues a token of a kind for a user; returns the raw token (shown once).</summary>
    public async Task<string> IssueAsync(string userId, string kind, string prefix)
    {
        var token = Secrets.NewToken(prefix);
        await tokens.AddTokenAsync(new TokenRecord(Secrets.HashToken(token), userId, kind, time.GetUtcNow()));
        return token;
    }

    /// <summary>Revokes one token and closes its sockets with 4001.</summary>
    public async Task RevokeAsync(string tokenHash)
    {
        await tokens.DeleteTokenAsync(tokenHash);
        Forget([tokenHash]);
    }

    /// <summary>Revokes every token of a user (of one kind, or all) and closes their sockets with 4001.</summary>
    public async Task RevokeAllAsync(string userId, string? kind)
    {
        var hashes = await tokens.DeleteUserTokensAsync(userId, kind);
        Forget(hashes);
    }

    private void Forget(IReadOnlyCollection<string> hashes)
    {
        foreach (var hash in hashes)
        {
            _cache.TryRemove(hash, out _);
        }

        gateway.CloseTokens(hashes, TokenRevokedCloseCode, "token revoked");
    }
}
