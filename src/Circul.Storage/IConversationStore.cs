namespace Circul.Storage;

/// <summary>DMs and groups, and their members (one row per member, written as deltas).</summary>
public interface IConversationStore
{
    /// <summary>Inserts a conversation with its members in one transaction. For a DM whose DmKey exists already,
    /// inserts nothing and returns the existing conversation's id; otherwise returns <paramref name="conversation"/>'s id.</summary>
    Task<string> CreateConversationAsync(ConversationRecord conversation, IReadOnlyCollection<string> memberIds, CancellationToken cancellationToken = default);

    Task<ConversationRecord?> GetConversationAsync(string id, CancellationToken cancellationToken = default);

    Task<string?> FindDmAsync(string dmKey, CancellationToken cancellationToken = default);

    /// <summary>Member ids in the order they joined.</summary>
    Task<IReadOnlyList<string>> GetMembersAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Adds a member; returns false if already a member.</summary>
    Task<bool> AddMemberAsync(string conversationId, string userId, DateTimeOffset joinedAt, CancellationToken cancellationToken = default);

    /// <summary>Removes a member; returns false if not a member.</summary>
    Task<bool> RemoveMemberAsync(string conversationId, string userId, CancellationToken cancellationToken = default);

    /// <summary>Sets a group's owner.</summary>
    Task SetOwnerAsync(string conversationId, string? ownerId, CancellationToken cancellationToken = default);

    /// <summary>The ids of the conversations a user is a member of.</summary>
    Task<IReadOnlyList<string>> ListConversationIdsAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Distinct ids of every other user sharing at least one conversation with <paramref name="userId"/>.</summary>
    Task<IReadOnlyList<string>> ListConversationPeersAsync(string userId, CancellationToken cancellationToken = default);
}
