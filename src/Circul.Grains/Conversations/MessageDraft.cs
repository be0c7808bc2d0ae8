using Orleans;

namespace Circul.Grains.Conversations;

/// <summary>A validated message body: text trimmed and within limits, mentions within the cap.</summary>
[GenerateSerializer, Immutable, Alias("circul.MessageDraft")]
public sealed record MessageDraft(string Text, bool Bold, bool Italic, IReadOnlyList<string> Mentions, string? ReplyToId);
