using Circul.Contracts;
using Circul.Storage;

namespace Circul.Grains;

/// <summary>Storage rows to wire objects.</summary>
public static class MessageMapper
{
    public static MessageDto ToDto(StoredMessage stored) => ToDto(stored.Message, ToSender(stored.Sender), stored.Reactions);

    public static MessageDto ToDto(MessageRecord m, SenderDto sender, IReadOnlyList<ReactionRecord> reactions)
    {
        var channelId = m.PanelId is null ? null : m.RoomId;
        return new MessageDto(
            m.Id, m.RoomId, m.PanelId, channelId, m.SenderId, sender, m.Text, m.Bold, m.Italic, m.Mentions,
            m.ReplyToId, GroupReactions(reactions), m.IsSystem, m.CreatedAt, m.EditedAt, m.VisibleTo);
    }

    public static SenderDto ToSender(SenderRecord s) => new(s.Id, s.Name, s.IsBot, s.AvatarUrl);

    public static IReadOnlyList<ReactionDto> GroupReactions(IReadOnlyList<ReactionRecord> reactions)
    {
        if (reactions.Count == 0)
        {
            return [];
        }

        var order = new List<string>();
        var byEmoji = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var r in reactions)
        {
            if (!byEmoji.TryGetValue(r.Emoji, out var users))
            {
                users = [];
                byEmoji[r.Emoji] = users;
                order.Add(r.Emoji);
            }

            users.Add(r.UserId);
        }

        return [.. order.Select(e => new ReactionDto(e, byEmoji[e].Count, byEmoji[e]))];
    }
}
