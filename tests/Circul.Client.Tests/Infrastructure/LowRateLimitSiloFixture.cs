namespace Circul.Client.Tests.Infrastructure;

/// <summary>Rate limits on with only 2 message sends per second per room, so a short burst meets a 429.</summary>
public sealed class LowRateLimitSiloFixture : SiloFixture
{
    public const int MessagesPerSecond = 2;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Circul:RateLimits:Enabled"] = "true";
        settings["Circul:RateLimits:MessagesPerSecond"] = MessagesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Circul:RateLimits:RequestsPerSecond"] = "50";
    }
}
