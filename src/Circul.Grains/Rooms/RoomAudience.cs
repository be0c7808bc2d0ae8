using Circul.Grains.Events;

namespace Circul.Grains.Rooms;

/// <summary>Who receives a room's events: the audience as data (what travels with each event) and, for the grain's own
/// use (mention resolution), the same test as a function. Immutable: a grain replaces it when membership or
/// permissions change.</summary>
public sealed record RoomAudience(EventAudience Audience, Func<string, bool> CanView)
{
    /// <summary>The part of this audience among <paramref name="userIds"/> (the mentioned users).</summary>
    public EventAudience Among(string[] userIds) =>
        Audience.Kind == AudienceKind.Users ? EventAudience.Users(userIds.Where(CanView)) : Audience with { UserIds = userIds };
}
