namespace Circul.Silo.Tests.Panels;

/// <summary>A panel a test created: its id, the <c>general</c> channel and <c>Text</c> category it was born with,
/// and the creation answer.</summary>
public sealed record PanelRef(string Id, string GeneralId, string TextCategoryId, JsonElement Created)
{
    public string Path => $"/api/panels/{Id}";

    public string ChannelPath(string channelId) => $"/api/panels/{Id}/channels/{channelId}";

    public string MessagesPath(string channelId) => $"/api/panels/{Id}/channels/{channelId}/messages";
}
