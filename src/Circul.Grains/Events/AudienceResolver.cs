using Circul.Grains.Panels;

namespace Circul.Grains.Events;

/// <summary>Decides whether one user is in an event's audience. Pure: the receiving silo calls it for its local users,
/// with the panel snapshots the audience names (the same <see cref="PanelSnapshot"/> permission function the grains
/// check REST calls against).</summary>
public static class AudienceResolver
{
    /// <summary>Whether <paramref name="userId"/> receives the event. <paramref name="after"/> is the snapshot at
    /// <see cref="EventAudience.Version"/> and <paramref name="before"/> the one at
    /// <see cref="EventAudience.BeforeVersion"/>, when the audience needs them.</summary>
    public static bool Includes(EventAudience audience, string userId, PanelSnapshot? after, PanelSnapshot? before) =>
        Compile(audience, after, before)(userId);

    /// <summary>The membership test of an audience, built once per event and silo and then called per local user.</summary>
    public static Func<string, bool> Compile(EventAudience audience, PanelSnapshot? after, PanelSnapshot? before)
    {
        var test = CompileKind(audience, after, before);
        if (audience.UserIds is { } among && audience.Kind != AudienceKind.Users)
        {
            return userId => Array.IndexOf(among, userId) >= 0 && test(userId);
        }

        return test;
    }

    private static Func<string, bool> CompileKind(EventAudience audience, PanelSnapshot? after, PanelSnapshot? before)
    {
        if (audience.Kind == AudienceKind.Users)
        {
            var users = audience.UserIds ?? [];
            return userId => Array.IndexOf(users, userId) >= 0;
        }

        if (after is null || (audience.NeedsBeforeSnapshot && before is null))
        {
            return static _ => false;
        }

        switch (audience.Kind)
        {
            case AudienceKind.PanelMembers:
                return after.IsMember;
            case AudienceKind.ChannelViewers:
                return after.ViewFilter(audience.ChannelId!);
            case AudienceKind.ChannelKeptView:
            {
                var was = before!.ViewFilter(audience.ChannelId!);
                var now = after.ViewFilter(audience.ChannelId!);
                return userId => was(userId) && now(userId);
            }

            case AudienceKind.ChannelLostView:
            {
                var was = before!.ViewFilter(audience.ChannelId!);
                var now = after.ViewFilter(audience.ChannelId!);
                return userId => after.IsMember(userId) && was(userId) && !now(userId);
            }

            case AudienceKind.ChannelGainedView:
            {
                var was = before!.ViewFilter(audience.ChannelId!);
                var now = after.ViewFilter(audience.ChannelId!);
                return userId => !was(userId) && now(userId);
            }

            case AudienceKind.PanelRoleSets:
            {
                var keys = new HashSet<string>(audience.RoleSetKeys ?? [], StringComparer.Ordinal);
                var includeCreator = audience.IncludeCreator;
                return userId => after.Members.TryGetValue(userId, out var roles)
                    && (after.Permissions.IsCreator(userId) ? includeCreator : keys.Contains(roles.Key));
            }

            default:
                return static _ => false;
        }
    }

    /// <summary>The ids worth testing, when the audience lists them; otherwise the members of the snapshot.</summary>
    public static IReadOnlyCollection<string> Candidates(EventAudience audience, PanelSnapshot? after) =>
        audience.UserIds ?? (IReadOnlyCollection<string>?)after?.MemberSet ?? [];
}
