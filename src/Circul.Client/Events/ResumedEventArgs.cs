namespace Circul.Client;

/// <summary>A reconnect resumed the session: every event of the gap was replayed, none missed.</summary>
public sealed record ResumedEventArgs
{
    /// <summary>The session's id.</summary>
    public string SessionId { get; init; } = "";

    /// <summary>How many events the server replayed.</summary>
    public int ReplayedEvents { get; init; }
}
