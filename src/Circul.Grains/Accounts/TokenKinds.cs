namespace Circul.Grains.Accounts;

/// <summary>Token kinds and their visible prefixes (so secret scanners can find leaked ones).</summary>
public static class TokenKinds
{
    public const string Bot = "bot";
    public const string Session = "session";
    public const string ApiKey = "apikey";

    public const string BotPrefix = "cb_";
    public const string SessionPrefix = "cu_";
    public const string ApiKeyPrefix = "ck_";
}
