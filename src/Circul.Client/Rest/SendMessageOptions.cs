namespace Circul.Client;

/// <summary>Optional parts of a message send.</summary>
public sealed record SendMessageOptions
{
    /// <summary>Show the text bold.</summary>
    public bool Bold { get; init; }

    /// <summary>Show the text italic.</summary>
    public bool Italic { get; init; }

    /// <summary>Users to mention (<c>&lt;@id&gt;</c> in the text mentions too).</summary>
    public IReadOnlyList<string>? Mentions { get; init; }

    /// <summary>A message of the same room to reply to.</summary>
    public string? ReplyToId { get; init; }

    /// <summary>The <c>Idempotency-Key</c>; when null the client makes one per call, so its own retries never post
    /// twice.</summary>
    public string? IdempotencyKey { get; init; }
}
