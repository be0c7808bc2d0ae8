namespace Circul.Storage;

/// <summary>The single-use state token of one OAuth consent form (stored hashed), bound to the browser session that
/// was shown the form, its user, the bot, the exact redirect URI, and the <c>state</c> the bot put in its authorize
/// link (echoed back to it, as Discord does), if any.</summary>
public sealed record OAuthStateRecord(
    string Hash,
    string SessionHash,
    string UserId,
    string BotId,
    string RedirectUri,
    string? ClientState,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? ConsumedAt);
