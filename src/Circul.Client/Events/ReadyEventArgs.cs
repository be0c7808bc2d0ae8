namespace Circul.Client;

/// <summary>A new gateway session is open and the cache holds the bot's panels and channels.</summary>
public sealed record ReadyEventArgs
{
    /// <summary>The bot's own user.</summary>
    public CirculUser User { get; init; } = new();

    /// <summary>The new session's id.</summary>
    public string SessionId { get; init; } = "";

    /// <summary>False for the first session of this bot, true after a reconnect that could not resume.</summary>
    public bool IsReconnect { get; init; }
}
