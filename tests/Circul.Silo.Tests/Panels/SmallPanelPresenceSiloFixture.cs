namespace Circul.Silo.Tests.Panels;

/// <summary>A silo whose panels stop fanning presence out above two members.</summary>
public sealed class SmallPanelPresenceSiloFixture : SiloFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Circul:Presence:LargePanelThreshold"] = "2";
    }
}
