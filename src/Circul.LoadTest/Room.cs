namespace Circul.LoadTest;

/// <summary>
/// A room messages are sent to, and the bots whose sockets must receive every one of them
/// (API.md section 8: <c>message_new</c> goes to every member, <c>panel_message</c> to every member
/// who can view the channel, the sender included). Every other socket must receive none of them.
/// </summary>
public sealed class Room
{
    private long _accepted;

    public Room(string id, string messagesPath, IReadOnlyList<BotIdentity> members, string? label = null)
    {
        Id = id;
        MessagesPath = messagesPath;
        Members = members;
        Label = label ?? id;
    }

    /// <summary>How the report names the room (e.g. "#load-4 (restricted)").</summary>
    public string Label { get; }

    public string Id { get; }

    /// <summary>Where messages are POSTed, relative to the server root.</summary>
    public string MessagesPath { get; }

    /// <summary>Connected bots that must receive every message accepted in this room.</summary>
    public IReadOnlyList<BotIdentity> Members { get; }

    /// <summary>Messages the server accepted (2xx) in this room.</summary>
    public long Accepted => Volatile.Read(ref _accepted);

    public void CountAccepted() => Interlocked.Increment(ref _accepted);
}
