namespace Circul.Silo.Gateway;

/// <summary>One buffered event: its seq in the session and the shared body (a reference, not a copy).</summary>
internal readonly record struct ResumeEntry(long Seq, ReadOnlyMemory<byte> Body);
