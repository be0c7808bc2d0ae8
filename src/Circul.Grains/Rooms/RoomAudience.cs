using Circul.Grains.Events;

namespace Circul.Grains.Rooms;

/// <summary>Who receives a room's events: candidate user ids and, for panel channels, a view filter.
/// Immutable: a grain replaces it when membership or permissions change.</summary>
public sealed record RoomAudience(IReadOnlyCollection<string> Recipients, Func<string, bool>? Filter)
{
    public bool CanView(string userId) => RecipientSets.Contains(Recipients, userId) && (Filter?.Invoke(userId) ?? true);
}
