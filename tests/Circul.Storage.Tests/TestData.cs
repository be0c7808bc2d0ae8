namespace Circul.Storage.Tests;

internal static class TestData
{
    /// <summary>A timestamp with millisecond precision (what storage keeps).</summary>
    public static DateTimeOffset Now { get; } = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    public static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public static UserRecord User(string id, string? username, bool isBot = false, string? ownerId = null, DateTimeOffset? createdAt = null, bool deleted = false) =>
        new(
            Id: id,
            Username: username,
            IsBot: isBot,
            OwnerId: ownerId,
            Name: "Name " + id,
            Bio: "bio",
            Mood: "mood",
            Status: "online",
            RestPresence: false,
            AvatarUrl: "/media/a.png",
            BannerUrl: string.Empty,
            Description: isBot ? "a bot" : string.Empty,
            RedirectUris: isBot ? ["https://example.test/cb"] : [],
            CreatedAt: createdAt ?? Now,
            Deleted: deleted,
            Version: 1);

    public static MessageRecord Message(string id, string roomId, string senderId, string text = "hello", string? visibleTo = null, DateTimeOffset? createdAt = null) =>
        new(
            Id: id,
            RoomId: roomId,
            PanelId: null,
            SenderId: senderId,
            Text: text,
            Bold: false,
            Italic: false,
            Mentions: [],
            ReplyToId: null,
            IsSystem: false,
            CreatedAt: createdAt ?? Now,
            EditedAt: null,
            VisibleTo: visibleTo);

    /// <summary>Message ids that sort in creation order: a shared prefix and a zero-padded counter.</summary>
    public static string MessageId(string prefix, int n) => $"{prefix}-{n:D5}";
}
