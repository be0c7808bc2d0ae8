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

    /// <summary>Writes a panel system message (a join, leave, kick or ban) into this channel; called by the panel grain,
    /// so this channel's grain stays the only writer of its room. Everything needed comes with the call (the panel's
    /// name, the mentions already resolved at <paramref name="snapshotVersion"/>): it never calls back into the panel,
    /// which is waiting for it.</summary>
    /// <remarks>Interleaves, like a send: the panel's call must not queue behind a turn of this grain that waits for the
    /// panel (a snapshot fetch).</remarks>
    [AlwaysInterleave]
    Task PostSystemMessageAsync(string panelId, string panelName, string text, IReadOnlyList<string> mentions, long snapshotVersion);

    /// <summary>The webhook bot configuration of this channel changed: reload it before the next send (any silo's
    /// consumer API calls this, so a change made through silo A applies to the room wherever it is active).</summary>
    [AlwaysInterleave]
    Task RefreshWebhooksAsync(string panelId);

    /// <summary>Sets the caller's read marker to the newest message (its unread count becomes 0).</summary>
    Task MarkReadAsync(string panelId, string callerId);
}
