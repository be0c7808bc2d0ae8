namespace Circul.LoadTest;

/// <summary>A panel channel as the load tool needs it: its id and (normalised) name.</summary>
public sealed record PanelChannel(string Id, string Name);
