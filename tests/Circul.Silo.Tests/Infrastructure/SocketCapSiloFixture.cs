namespace Circul.Silo.Tests.Infrastructure;

/// <summary>Allows only a few gateway sockets per token, so the cap is reached with few sockets.</summary>
public sealed class SocketCapSiloFixture : SiloFixture
{
    public const int MaxSocketsPerToken = 3;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Circul:Gateway:MaxSocketsPerToken"] = MaxSocketsPerToken.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
