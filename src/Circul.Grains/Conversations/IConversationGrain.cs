using Orleans;
using Orleans.Concurrency;
using Circul.Contracts;

namespace Circul.Grains.Conversations;

/// <summary>One per DM or group: members, and the room's messages.</summary>
[Alias("circul.IConversationGrain")]
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>Opens the DM between two users (the key must be <see cref="Ids.DmId"/> of their DM key); idempotent.</summary>
    Task<ConversationDto> OpenDmAsync(string callerId, string peerId);

    Task<ConversationDto> CreateGroupAsync(string ownerId, string name, IReadOnlyList<string> memberIds);

    /// <summary>The conversation, for members only (else 404).</summary>
    Task<ConversationDto> GetAsync(string callerId);

    /// <summary>Sends a message; with <paramref name="groupsOnly"/> (the /api/groups routes) a DM answers 404.</summary>
    /// <remarks>Interleaves: the turn orders and enqueues the write, and the next send starts while this one commits;
    /// the call answers once the message is durable.</remarks>
    [AlwaysInterleave]
    Task<MessageDto> SendMessageAsync(string senderId, MessageDraft draft, string? idempotencyKey, bool groupsOnly = false);

    Task<IReadOnlyList<MessageDto>> ListMessagesAsync(string callerId, int limit, string? before, string? after, bool groupsOnly = false);

    Task<MessageDto> EditMessageAsync(string callerId, string messageId, string text);

    Task DeleteMessageAsync(string callerId, string messageId);

    Task AddReactionAsync(string callerId, string messageId, string emoji);

    Task RemoveReactionAsync(string callerId, string messageId, string emoji);

    Task<ConversationDto> AddMemberAsync(string callerId, string userId);

    Task RemoveMemberAsync(string callerId, string userId);

    /// <summary>The webhook bot configuration of this room changed: reload it before the next send (any silo's
    /// consumer API calls this, so a change made through silo A applies to the room wherever it is active).</summary>
    [AlwaysInterleave]
    Task RefreshWebhooksAsync();
}
