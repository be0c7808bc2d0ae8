namespace Circul.Silo.Gateway;

/// <summary>The <c>session_id</c> and <c>last_seq</c> of a reconnect; <see cref="LastSeq"/> is null when missing or malformed.</summary>
internal sealed record ResumeRequest(string SessionId, long? LastSeq);
