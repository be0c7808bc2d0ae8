namespace Circul.Client;

/// <summary>A handler threw; the bot logged it and carries on.</summary>
public sealed record HandlerFailedEventArgs
{
    /// <summary>The event (or <c>command:name</c>) whose handler threw.</summary>
    public string EventType { get; init; } = "";

    /// <summary>The exception.</summary>
    public Exception Exception { get; init; } = new InvalidOperationException();
}
