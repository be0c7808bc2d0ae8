using Orleans;
using Orleans.Concurrency;
using Circul.Contracts;
using Circul.Grains.Conversations;

namespace Circul.Grains.Panels;

/// <summary>One per panel channel: its messages, reactions and read markers. Every method takes the panel id the
/// route named and checks the channel belongs to it; permissions come from the panel's snapshot.</summary>
[Alias("circul.IChannelGrain")]
public interface IChannelGrain : IGrainWithStringKey
{
    /// <remarks>Interleaves: the turn orders and enqueues the write, and the next send starts while this one commits;
    /// the call answers once the message is durable.</remarks>
    [AlwaysInterleave]
    Task<MessageDto> SendMessageAsync(string panelId, string senderId, MessageDraft draft, string? idempotencyKey);

    Task<IReadOnlyList<MessageDto>> ListMessagesAsync(string panelId, string callerId, int limit, string? before, string? after);

    Task<MessageDto> EditMessageAsync(string panelId, string callerId, string messageId, string text);

    Task DeleteMessageAsync(string panelId, string callerId, string messageId);

    Task AddReactionAsync(string panelId, string callerId, string messageId, string emoji);

    Task RemoveReactionAsync(string panelId, string callerId, string messageId, string emoji);

    /// <summary>Sets the caller's read marker to the newest message (its unread count becomes 0).</summary>
    Task MarkReadAsync(string panelId, string callerId);
}
