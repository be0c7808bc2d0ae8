namespace Circul.LoadTest;

/// <summary>The scenarios <c>--scenario</c> accepts.</summary>
public static class ScenarioCatalog
{
    /// <summary>Not an <see cref="IScenario"/>: it measures the set-up of a big panel, not message throughput (see <see cref="PanelScaleRun"/>).</summary>
    public const string PanelScale = "panel-scale";

    public static IReadOnlyList<string> Names { get; } = ["dm", "group", "panel", PanelScale];

    public static IScenario Create(string name) => name switch
    {
        "dm" => new DmScenario(),
        "group" => new GroupScenario(),
        "panel" => new PanelScenario(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown scenario"),
    };
}
