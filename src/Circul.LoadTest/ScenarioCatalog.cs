namespace Circul.LoadTest;

/// <summary>The scenarios <c>--scenario</c> accepts.</summary>
public static class ScenarioCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["dm", "group"];

    public static IScenario Create(string name) => name switch
    {
        "dm" => new DmScenario(),
        "group" => new GroupScenario(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown scenario"),
    };
}
