using Circul.Grains.Panels;

namespace Circul.Grains.Tests.Panels;

/// <summary>API.md section 7, the resolution steps, as a matrix over <see cref="PermissionResolver"/>.</summary>
public sealed class PermissionResolverTests
{
    private const Permission Defaults = Permissions.EveryoneDefault;
    private const Permission None = Permission.None;
    private const Permission View = Permission.ViewChannel;
    private const Permission Send = Permission.SendMessages;
    private const Permission React = Permission.AddReactions;
    private const Permission ManageMessages = Permission.ManageMessages;
    private const Permission ManageChannels = Permission.ManageChannels;
    private const Permission Kick = Permission.KickMembers;
    private const Permission Admin = Permission.Administrator;

    public static TheoryData<string, ChannelCase> ChannelMatrix => new()
    {
        { "everyone's defaults with no roles and no overrides", new(Roles: [], Expected: Defaults) },
        { "a role grants manage_messages on top of everyone's", new(Roles: [ManageMessages], Expected: Defaults | ManageMessages) },
        { "the permissions of several roles are united", new(Roles: [ManageMessages, Kick], Expected: Defaults | ManageMessages | Kick) },
        { "an everyone-override deny removes send_messages", new(Roles: [], EveryoneOverride: Deny(Send), Expected: Defaults & ~Send) },
        { "an everyone-override allow adds mention_everyone", new(Roles: [], EveryoneOverride: Allow(Permission.MentionEveryone), Expected: Defaults | Permission.MentionEveryone) },
        { "an everyone-override deny also removes a role's panel-wide grant", new(Roles: [ManageMessages], EveryoneOverride: Deny(ManageMessages), Expected: Defaults) },
        {
            "a role allow beats an everyone deny (send_messages)",
            new(Roles: [None], EveryoneOverride: Deny(Send), RoleOverrides: [Allow(Send)], Expected: Defaults)
        },
        {
            "a role deny beats a panel-wide role allow (manage_messages)",
            new(Roles: [ManageMessages], RoleOverrides: [Deny(ManageMessages)], Expected: Defaults)
        },
        {
            "a deny on role A and an allow on role B for the same permission: allowed",
            new(Roles: [None, None], RoleOverrides: [Deny(Send), Allow(Send)], Expected: Defaults)
        },
        {
            "the same, listed the other way round: still allowed",
            new(Roles: [None, None], RoleOverrides: [Allow(Send), Deny(Send)], Expected: Defaults)
        },
        {
            "the denies of several roles' overrides are united",
            new(Roles: [None, None], RoleOverrides: [Deny(Send), Deny(React)], Expected: Defaults & ~Send & ~React)
        },
        {
            "the allows of several roles' overrides are united",
            new(Roles: [None, None], RoleOverrides: [Allow(ManageMessages), Allow(ManageChannels)], Expected: Defaults | ManageMessages | ManageChannels)
        },
        {
            "the owner has every permission, even in a channel hidden from everyone",
            new(IsOwner: true, Roles: [], EveryoneOverride: Deny(View | Send), Expected: Permission.All)
        },
        {
            "administrator on a role bypasses view denies on everyone and on that role",
            new(Roles: [Admin], EveryoneOverride: Deny(View), RoleOverrides: [Deny(View | Send)], Expected: Permission.All)
        },
        {
            "administrator on everyone bypasses everything",
            new(Everyone: Defaults | Admin, Roles: [], EveryoneOverride: Deny(View | Send | React), Expected: Permission.All)
        },
        {
            "without view_channel (everyone deny) nothing at all, even what a role override allows",
            new(Roles: [ManageMessages], EveryoneOverride: Deny(View), RoleOverrides: [Allow(Send | ManageChannels)], Expected: None)
        },
        {
            "a role override denying view_channel hides the channel from a member with manage_messages",
            new(Roles: [ManageMessages], RoleOverrides: [Deny(View)], Expected: None)
        },
        {
            "a role override allowing view_channel shows a channel hidden from everyone",
            new(Roles: [None], EveryoneOverride: Deny(View), RoleOverrides: [Allow(View)], Expected: Defaults)
        },
        { "everyone without view_channel panel-wide sees no channel", new(Everyone: Defaults & ~View, Roles: [], Expected: None) },
        {
            "everyone without view_channel panel-wide, and a role override giving it back",
            new(Everyone: Defaults & ~View, Roles: [None], RoleOverrides: [Allow(View)], Expected: Defaults)
        },
        { "a bot with no roles gets everyone's", new(Roles: [], Expected: Defaults) },
    };

    public static TheoryData<string, bool, Permission, Permission[], Permission> PanelMatrix => new()
    {
        { "everyone's defaults", false, Defaults, [], Defaults },
        { "roles are united with everyone's", false, Defaults, [ManageMessages, Kick], Defaults | ManageMessages | Kick },
        { "the owner has everything", true, None, [], Permission.All },
        { "administrator on a role is everything", false, Defaults, [None, Admin], Permission.All },
        { "administrator on everyone is everything", false, Admin, [], Permission.All },
        { "an everyone without permissions and a role with view_channel", false, None, [View], View },
    };

    [Theory]
    [MemberData(nameof(ChannelMatrix))]
    public void ResolveChannel_FollowsTheContractsSteps(string rule, ChannelCase c)
    {
        var actual = PermissionResolver.ResolveChannel(c.IsOwner, c.Everyone ?? Defaults, c.Roles, c.EveryoneOverride, c.RoleOverrides ?? []);

        Assert.True(actual == c.Expected, $"{rule}: expected [{Names(c.Expected)}], got [{Names(actual)}]");
    }

    [Theory]
    [MemberData(nameof(PanelMatrix))]
    public void ResolvePanel_UnitesEveryoneAndRoles_AndOwnerOrAdministratorGetEverything(
        string rule, bool isOwner, Permission everyone, Permission[] roles, Permission expected)
    {
        var actual = PermissionResolver.ResolvePanel(isOwner, everyone, roles);

        Assert.True(actual == expected, $"{rule}: expected [{Names(expected)}], got [{Names(actual)}]");
    }

    [Fact]
    public void ResolveChannel_WithoutViewChannel_ReturnsExactlyNone_NotJustTheOtherBits()
    {
        var actual = PermissionResolver.ResolveChannel(
            false, Defaults | ManageMessages, [Kick], new ChannelOverride(PermissionResolver.EveryoneRoleId, None, View), []);

        Assert.Equal(Permission.None, actual);
    }

    private static ChannelOverride Allow(Permission allow) => new("role-x", allow, None);

    private static ChannelOverride Deny(Permission deny) => new("role-x", None, deny);

    private static string Names(Permission p) => string.Join(", ", Permissions.ToNames(p));

    /// <summary>One row of the matrix: the member's situation in one channel and the permissions it must end up with.</summary>
    public sealed record ChannelCase(
        Permission[] Roles,
        Permission Expected,
        bool IsOwner = false,
        Permission? Everyone = null,
        ChannelOverride? EveryoneOverride = null,
        ChannelOverride[]? RoleOverrides = null);
}
