namespace Circul.Grains.Conversations;

/// <summary>A validated message body: text trimmed and within limits, mentions within the cap.</summary>
public sealed record MessageDraft(string Text, bool Bold, bool Italic, IReadOnlyList<string> Mentions, string? ReplyToId);
