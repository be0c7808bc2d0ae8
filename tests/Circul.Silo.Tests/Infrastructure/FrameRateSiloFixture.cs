namespace Circul.Silo.Tests.Infrastructure;

/// <summary>Allows only a few client frames a minute, so the 4008 close needs few frames.</summary>
public sealed class FrameRateSiloFixture : SiloFixture
{
    public const int MaxClientFramesPerMinute = 5;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Circul:Gateway:MaxClientFramesPerMinute"] = MaxClientFramesPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
