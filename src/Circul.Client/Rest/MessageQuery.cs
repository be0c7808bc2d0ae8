namespace Circul.Client;

/// <summary>Paging of a message list: newest first, cursors exclusive.</summary>
public sealed record MessageQuery
{
    /// <summary>1..100 (the server's default is 50).</summary>
    public int? Limit { get; init; }

    /// <summary>Only messages older than this id.</summary>
    public string? Before { get; init; }

    /// <summary>Only messages newer than this id (the <see cref="Limit"/> just after it, still newest first).</summary>
    public string? After { get; init; }
}
