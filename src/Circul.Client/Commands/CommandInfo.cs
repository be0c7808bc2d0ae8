namespace Circul.Client;

/// <summary>A registered command.</summary>
public sealed record CommandInfo
{
    /// <summary>The name (lower case, without the prefix).</summary>
    public string Name { get; init; } = "";

    /// <summary>A one-line description (for help texts).</summary>
    public string Description { get; init; } = "";

    /// <summary>The handler.</summary>
    public CirculEventHandler<CommandContext> Handler { get; init; } = (_, _) => Task.CompletedTask;
}
