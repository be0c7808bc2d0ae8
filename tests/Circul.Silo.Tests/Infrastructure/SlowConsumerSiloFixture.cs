namespace Circul.Silo.Tests.Infrastructure;

/// <summary>A small per-connection queue so that a client that never reads overflows it quickly.</summary>
public sealed class SlowConsumerSiloFixture : SiloFixture
{
    public const int MaxQueuedEvents = 100;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Circul:Gateway:MaxQueuedEvents"] = MaxQueuedEvents.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
