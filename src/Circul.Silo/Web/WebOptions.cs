namespace Circul.Silo.Web;

/// <summary>The web pages (<c>Circul:Web</c>): browser sessions of the consent and My Apps pages.</summary>
public sealed class WebOptions
{
    public const string SectionName = "Circul:Web";

    /// <summary>How long a browser session lasts after login (absolute; logging out ends it at once).</summary>
    public int SessionLifetimeHours { get; set; } = 24 * 14;
}
