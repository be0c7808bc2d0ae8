namespace Circul.Client;

/// <summary>The gateway stopped for good: the token was revoked (close code 4001, token reset or logout) or refused
/// at connect (401). <see cref="CirculBot.RunAsync"/> ends with it; the bot does not reconnect.</summary>
public sealed class CirculGatewayException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CirculGatewayException(string message, int? closeCode, Exception? inner = null)
        : base(message, inner)
    {
        CloseCode = closeCode;
    }

    /// <summary>The close code (4001), or null when the connect was refused before the upgrade.</summary>
    public int? CloseCode { get; }
}
