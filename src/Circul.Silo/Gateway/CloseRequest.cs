namespace Circul.Silo.Gateway;

/// <summary>Why and how a connection closes. The first request wins.</summary>
/// <param name="Code">Close code; null sends a close frame without a body (echo of a bodiless client close).</param>
/// <param name="Drain">Write what is queued before the close frame (shutdown); otherwise drop it.</param>
/// <param name="SendFrame">False when the peer is already gone (end of stream): nothing more is written.</param>
internal sealed record CloseRequest(int? Code, string Reason, bool Drain, bool SendFrame);
