namespace Circul.Silo.Tests.Infrastructure;

/// <summary>Pings every 200 ms, 300 ms to answer: a silent client is closed within a second.</summary>
public sealed class HeartbeatSiloFixture : SiloFixture
{
    public const int IntervalMs = 200;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Circul:Gateway:HeartbeatIntervalMs"] = IntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Circul:Gateway:HeartbeatTimeoutMs"] = "300";
    }
}
