namespace Circul.Storage;

/// <summary>A stored grain state document and its version.</summary>
public sealed record GrainStateRecord(string Json, string ETag);
