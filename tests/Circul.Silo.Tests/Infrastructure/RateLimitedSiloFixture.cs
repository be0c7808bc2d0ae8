namespace Circul.Silo.Tests.Infrastructure;

/// <summary>Rate limits on, at the contract's defaults (10 sends/s per room, 50 requests/s per token).</summary>
public sealed class RateLimitedSiloFixture : SiloFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Circul:RateLimits:Enabled"] = "true";
        settings["Circul:RateLimits:MessagesPerSecond"] = "10";
        settings["Circul:RateLimits:RequestsPerSecond"] = "50";
    }
}
