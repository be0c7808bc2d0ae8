namespace Circul.Storage;

/// <summary>The single-use state token of one OAuth consent form (stored hashed), bound to the browser session that
/// was shown the form, its user, the bot and the exact redirect URI.</summary>
public sealed record OAuthStateRecord(
    string Hash,
    string SessionHash,
    string UserId,
    string BotId,
    string RedirectUri,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? ConsumedAt);
