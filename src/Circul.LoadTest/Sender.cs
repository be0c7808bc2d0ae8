namespace Circul.LoadTest;

/// <summary>One bot sending into one room; the pump cycles through all senders.</summary>
public sealed record Sender(BotIdentity Bot, Room Room);
