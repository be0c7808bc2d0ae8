namespace Circul.Silo.Gateway;

internal enum ClientMessageKind
{
    /// <summary>Not JSON, or not an object with a string <c>type</c>: close 4002.</summary>
    Invalid,

    /// <summary><c>{"type":"ping"}</c>: answer <c>{"type":"pong"}</c>.</summary>
    Ping,

    /// <summary>Any other valid message: ignored.</summary>
    Other,
}
