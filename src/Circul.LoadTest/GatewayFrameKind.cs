namespace Circul.LoadTest;

/// <summary>The gateway events the load tool cares about.</summary>
public enum GatewayFrameKind
{
    Other,
    Ready,
    MessageNew,
    PanelMessage,
    PanelUpdated,
}
