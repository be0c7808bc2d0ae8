namespace Circul.Silo.Gateway;

/// <summary><c>resumed</c>: every missed event was replayed; live events follow.</summary>
internal sealed record ResumedPayload(string SessionId);
