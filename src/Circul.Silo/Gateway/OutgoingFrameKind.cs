namespace Circul.Silo.Gateway;

internal enum OutgoingFrameKind
{
    /// <summary>Only wakes the writer (a control frame or a close is pending).</summary>
    Wake,

    /// <summary><c>{"seq":N,</c> + shared body.</summary>
    Sequenced,

    /// <summary><c>{</c> + body (pong, invalid_session).</summary>
    Unsequenced,
}
