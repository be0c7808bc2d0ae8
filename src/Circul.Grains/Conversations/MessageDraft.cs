using Orleans;

namespace Circul.Grains.Conversations;

/// <summary>A validated message body: text trimmed and within limits, mentions within the cap. <see cref="VisibleTo"/>
/// is set only by the server (a webhook bot's private reply): the one user, besides the sender, who may see the message.</summary>
[GenerateSerializer, Immutable, Alias("circul.MessageDraft")]
public sealed record MessageDraft(string Text, bool Bold, bool Italic, IReadOnlyList<string> Mentions, string? ReplyToId, string? VisibleTo = null);
