namespace Circul.Silo.Gateway;

/// <summary>WebSocket close codes the gateway sends (RFC 6455 and the contract's 4xxx codes).</summary>
public static class GatewayCloseCodes
{
    public const int NormalClosure = 1000;
    public const int ProtocolError = 1002;
    public const int MessageTooBig = 1009;
    public const int InternalError = 1011;
    public const int HeartbeatTimeout = 4000;
    public const int TokenRevoked = 4001;
    public const int InvalidFrame = 4002;
    public const int TooSlow = 4003;
    public const int ShuttingDown = 4004;
    public const int RateLimited = 4008;
}
