namespace Circul.Client;

/// <summary>The gateway connection ended.</summary>
public sealed record DisconnectedEventArgs
{
    /// <summary>The close code (4000 heartbeat timeout, 4001 token revoked, 4003 too slow, 4004 server shutting down,
    /// …), or null when the connection broke without one or never opened.</summary>
    public int? CloseCode { get; init; }

    /// <summary>The close reason or the error's message.</summary>
    public string Reason { get; init; } = "";

    /// <summary>The error, when the connection broke or could not be opened.</summary>
    public Exception? Exception { get; init; }

    /// <summary>Whether the bot reconnects (false after 4001 or a refused token, and when stopping).</summary>
    public bool WillReconnect { get; init; }

    /// <summary>The wait before the next attempt.</summary>
    public TimeSpan ReconnectDelay { get; init; }
}
