namespace Circul.Silo.Tests.Infrastructure;

/// <summary>A resume buffer of only a few events, so a gap larger than it is easy to make.</summary>
public sealed class ShortResumeSiloFixture : SiloFixture
{
    public const int ResumeBufferEvents = 5;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Circul:Gateway:ResumeBufferEvents"] = ResumeBufferEvents.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
