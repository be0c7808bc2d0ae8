namespace Circul.Grains;

/// <summary>The result of a write whose turn ends before the write is durable (so that a room's turns do not wait for
/// each other's commits): <see cref="Durable"/> completes once the batch holding it has committed. Callers await it
/// before answering; events are published by the writer after the commit, in commit order.</summary>
public sealed record Accepted<T>(T Value, Task Durable);
