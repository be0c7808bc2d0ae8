namespace Circul.Client;

/// <summary>A role of a panel.</summary>
public sealed record PanelRole
{
    /// <summary>The id (<c>role-…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The colour, e.g. <c>#ff8800</c>.</summary>
    public string Color { get; init; } = "";

    /// <summary>The position; higher roles manage lower ones.</summary>
    public int Position { get; init; }

    /// <summary>The permissions the role grants (see <see cref="Permissions"/>).</summary>
    public IReadOnlyList<string> Permissions { get; init; } = [];
}
