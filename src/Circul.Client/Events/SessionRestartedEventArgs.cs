namespace Circul.Client;

/// <summary>The catch-up hook: a reconnect could not resume (<c>invalid_session</c>, e.g. after a server restart),
/// a new session started, the cache was reloaded and (with <see cref="CirculBotOptions.CatchUpMissedMessages"/>) the
/// messages of the gap were handed to the handlers. Events other than messages that happened in the gap are lost: a
/// bot that needs them re-reads its state through <see cref="CirculBot.Rest"/> here.</summary>
public sealed record SessionRestartedEventArgs
{
    /// <summary>The session that was lost.</summary>
    public string PreviousSessionId { get; init; } = "";

    /// <summary>The new session.</summary>
    public string SessionId { get; init; } = "";

    /// <summary>The newest message id the bot had seen before the gap, or null when it had seen none.</summary>
    public string? LastSeenMessageId { get; init; }

    /// <summary>How many missed messages the catch-up handed to the handlers.</summary>
    public int CaughtUpMessages { get; init; }
}
