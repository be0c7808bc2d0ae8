using Circul.Contracts;
using Orleans;

namespace Circul.Grains.Rooms;

/// <summary>One per message id: the routes that name only a message (edit, delete, reactions) go to the room grain that
/// owns it, which checks membership and permissions. 404 for unknown or deleted messages. Calls flow Message → room.</summary>
[Alias("circul.IMessageGrain")]
public interface IMessageGrain : IGrainWithStringKey
{
    Task<MessageDto> EditAsync(string callerId, string text);

    Task DeleteAsync(string callerId);

    Task AddReactionAsync(string callerId, string emoji);

    Task RemoveReactionAsync(string callerId, string emoji);
}
