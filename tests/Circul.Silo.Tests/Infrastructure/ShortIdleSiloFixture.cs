namespace Circul.Silo.Tests.Infrastructure;

/// <summary>Grains idle for one second are collectable, so a test can run an idle-collection pass right away.</summary>
public sealed class ShortIdleSiloFixture : SiloFixture
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(1);

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Circul:Orleans:CollectionAgeSeconds"] = "1";
    }
}
