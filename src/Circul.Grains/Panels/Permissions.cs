using Circul.Grains;

namespace Circul.Grains.Panels;

/// <summary>Names of permissions on the wire, and the defaults of the everyone role.</summary>
public static class Permissions
{
    public const Permission EveryoneDefault =
        Permission.ViewChannel | Permission.SendMessages | Permission.ReadMessageHistory | Permission.AddReactions | Permission.CreateInvite;

    private static readonly (Permission Flag, string Name)[] Names =
    [
        (Permission.ViewChannel, "view_channel"),
        (Permission.SendMessages, "send_messages"),
        (Permission.ReadMessageHistory, "read_message_history"),
        (Permission.AddReactions, "add_reactions"),
        (Permission.MentionEveryone, "mention_everyone"),
        (Permission.ManageMessages, "manage_messages"),
        (Permission.ManageChannels, "manage_channels"),
        (Permission.ManageRoles, "manage_roles"),
        (Permission.ManagePanel, "manage_panel"),
        (Permission.CreateInvite, "create_invite"),
        (Permission.KickMembers, "kick_members"),
        (Permission.BanMembers, "ban_members"),
        (Permission.Administrator, "administrator"),
    ];

    public static string NameOf(Permission single) => Names.First(n => n.Flag == single).Name;

    public static IReadOnlyList<string> ToNames(Permission permissions) =>
        [.. Names.Where(n => (permissions & n.Flag) != 0).Select(n => n.Name)];

    /// <summary>Parses wire names; 400 naming the field for an unknown name.</summary>
    public static Permission Parse(IEnumerable<string> names, string field)
    {
        var result = Permission.None;
        foreach (var name in names)
        {
            var match = Array.Find(Names, n => n.Name == name);
            if (match.Name is null)
            {
                throw ApiException.BadRequest($"{field}: unknown permission '{name}'");
            }

            result |= match.Flag;
        }

        return result;
    }
}
