using Circul.Contracts;
using Circul.Grains.Accounts;
using Circul.Storage;

namespace Circul.Grains.Webhooks;

/// <summary>Consumer API keys (<c>ck_…</c>): issued to humans, shown once, stored as their SHA-256. Looked up in storage
/// on every consumer API call (no cache), so a deleted key stops working at once on every silo.</summary>
public sealed class ApiKeyService(IWebhookStore store, TimeProvider time)
{
    public const int MaxKeysPerOwner = 25;

    public async Task<ApiKeyCreatedDto> CreateAsync(string ownerId, string name)
    {
        if ((await store.ListApiKeysAsync(ownerId)).Count >= MaxKeysPerOwner)
        {
            throw ApiException.Conflict($"at most {MaxKeysPerOwner} API keys per user");
        }

        var key = Secrets.NewToken(TokenKinds.ApiKeyPrefix);
        var record = new ApiKeyRecord(Ids.NewId("key-"), ownerId, name, Secrets.HashToken(key), time.GetUtcNow());
        await store.CreateApiKeyAsync(record);
        return new ApiKeyCreatedDto(record.Id, record.Name, key, record.CreatedAt);
    }

    public async Task<IReadOnlyList<ApiKeyDto>> ListAsync(string ownerId) =>
        [.. (await store.ListApiKeysAsync(ownerId)).Select(k => new ApiKeyDto(k.Id, k.Name, k.CreatedAt))];

    public async Task DeleteAsync(string ownerId, string keyId)
    {
        if (!await store.DeleteApiKeyAsync(ownerId, keyId))
        {
            throw ApiException.NotFound("key");
        }
    }

    /// <summary>The owner of a valid key, else null.</summary>
    public async Task<string?> AuthenticateAsync(string? key, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 256 || !key.StartsWith(TokenKinds.ApiKeyPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        return (await store.FindApiKeyAsync(Secrets.HashToken(key), cancellationToken))?.OwnerId;
    }
}
