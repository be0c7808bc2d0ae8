namespace Circul.Storage;

/// <summary>A browser session of the web pages: only the SHA-256 hash of the cookie's random value is stored.</summary>
public sealed record WebSessionRecord(string Hash, string UserId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
