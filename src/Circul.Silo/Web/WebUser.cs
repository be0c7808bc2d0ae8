namespace Circul.Silo.Web;

/// <summary>The human behind a valid browser session: its id and name, the session's hash (OAuth states are bound to
/// it), and the session's anti-forgery token every form of the session carries.</summary>
public sealed record WebUser(string UserId, string Name, string SessionHash, string FormToken);
