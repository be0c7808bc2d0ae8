using Circul.Actors;
using Circul.Contracts;

namespace Circul.Grains.Conversations;

/// <summary>One per DM or group: members, and the room's messages.</summary>
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>Opens the DM between two users (the key must be <see cref="Ids.DmId"/> of their DM key); idempotent.</summary>
    Task<ConversationDto> OpenDmAsync(string callerId, string peerId);

    Task<ConversationDto> CreateGroupAsync(string ownerId, string name, IReadOnlyList<string> memberIds);

    /// <summary>The conversation, for members only (else 404).</summary>
    Task<ConversationDto> GetAsync(string callerId);

    Task<Accepted<MessageDto>> SendMessageAsync(string senderId, MessageDraft draft, string? idempotencyKey);

    Task<IReadOnlyList<MessageDto>> ListMessagesAsync(string callerId, int limit, string? before, string? after);

    Task<MessageDto> EditMessageAsync(string callerId, string messageId, string text);

    Task DeleteMessageAsync(string callerId, string messageId);

    Task AddReactionAsync(string callerId, string messageId, string emoji);

    Task RemoveReactionAsync(string callerId, string messageId, string emoji);

    Task<ConversationDto> AddMemberAsync(string callerId, string userId);

    Task RemoveMemberAsync(string callerId, string userId);
}
