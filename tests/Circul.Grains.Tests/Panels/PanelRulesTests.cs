using Circul.Grains.Panels;
using static Circul.Grains.Tests.Panels.PanelTestWorld;

namespace Circul.Grains.Tests.Panels;

public sealed class PanelRulesTests
{
    [Theory]
    [InlineData("General Chat", "general-chat")]
    [InlineData("ALREADY-fine", "already-fine")]
    [InlineData("two  spaces", "two--spaces")]
    public void ChannelName_IsLowerCaseWithDashesForSpaces(string given, string expected) =>
        Assert.Equal(expected, PanelRules.ChannelName(given));

    [Theory]
    [InlineData("#e05252")]
    [InlineData("#ABCDEF")]
    [InlineData(null)]
    public void RequireColor_AcceptsSixDigitHexColors_AndNoColor(string? color) => PanelRules.RequireColor(color);

    [Theory]
    [InlineData("red")]
    [InlineData("#e0525")]
    [InlineData("#e0525g")]
    [InlineData("e052520")]
    [InlineData("#e0525\n")]
    public void RequireColor_RefusesAnythingElse_WithTheContractsMessage(string color)
    {
        var error = Assert.Throws<ApiException>(() => PanelRules.RequireColor(color));
        Assert.Equal(400, error.StatusCode);
        Assert.Equal("color must be a hex color like #e05252", error.Message);
    }

    [Fact]
    public void RequireRolePosition_Refuses0AndAbove10000_NamingThePosition()
    {
        PanelRules.RequireRolePosition(null);
        PanelRules.RequireRolePosition(1);
        PanelRules.RequireRolePosition(10_000);

        Assert.Equal("position must be at least 1", Assert.Throws<ApiException>(() => PanelRules.RequireRolePosition(0)).Message);
        Assert.Equal("position must be from 1 to 10000", Assert.Throws<ApiException>(() => PanelRules.RequireRolePosition(10_001)).Message);
    }

    [Fact]
    public void RequireChannelPosition_Allows0To10000()
    {
        PanelRules.RequireChannelPosition(0);
        PanelRules.RequireChannelPosition(10_000);
        PanelRules.RequireChannelPosition(null);

        Assert.Equal("position must be from 0 to 10000", Assert.Throws<ApiException>(() => PanelRules.RequireChannelPosition(-1)).Message);
        Assert.Equal(400, Assert.Throws<ApiException>(() => PanelRules.RequireChannelPosition(10_001)).StatusCode);
    }

    [Fact]
    public void AnOverride_NamingAPermissionInAllowAndDeny_OrCarryingAdministrator_IsRefused()
    {
        PanelRules.RequireDisjoint(Permission.SendMessages, Permission.ViewChannel);

        var overlap = Assert.Throws<ApiException>(() => PanelRules.RequireDisjoint(Permission.SendMessages, Permission.SendMessages | Permission.ViewChannel));
        Assert.Equal("allow and deny must not name the same permission", overlap.Message);
        var admin = Assert.Throws<ApiException>(() => PanelRules.RequireNoAdministrator(Permission.None, Permission.Administrator));
        Assert.Equal("administrator cannot be set in a channel override", admin.Message);
    }

    [Fact]
    public void InviteAge_DefaultsToADay_0MeansNever_AndCapsAgeAtAWeekAndUsesAt1000()
    {
        Assert.Equal(TimeSpan.FromDays(1), PanelRules.InviteAge(null, null));
        Assert.Equal(TimeSpan.Zero, PanelRules.InviteAge(0, 0));
        Assert.Equal(TimeSpan.FromDays(7), PanelRules.InviteAge(604_800, 1000));

        Assert.Equal("max_age_seconds must be from 0 (never expires) to 604800", Assert.Throws<ApiException>(() => PanelRules.InviteAge(604_801, null)).Message);
        Assert.Equal(400, Assert.Throws<ApiException>(() => PanelRules.InviteAge(-1, null)).StatusCode);
        Assert.Equal("max_uses must be from 0 to 1000", Assert.Throws<ApiException>(() => PanelRules.InviteAge(null, 1001)).Message);
        Assert.Equal("max_uses must be from 0 to 1000", Assert.Throws<ApiException>(() => PanelRules.InviteAge(null, -1)).Message);
    }

    [Fact]
    public void Limits_AnswerWithTheMaximumInTheMessage()
    {
        PanelRules.RequireRoomForRole(PanelRules.MaxRoles - 1);
        Assert.Equal("a panel has at most 250 roles", Assert.Throws<ApiException>(() => PanelRules.RequireRoomForRole(PanelRules.MaxRoles)).Message);
        Assert.Equal("a panel has at most 500 channels", Assert.Throws<ApiException>(() => PanelRules.RequireRoomForChannel(PanelRules.MaxChannels)).Message);
        Assert.Equal("a panel has at most 100 categories", Assert.Throws<ApiException>(() => PanelRules.RequireRoomForCategory(PanelRules.MaxCategories)).Message);
    }

    [Fact]
    public void Rank_IsTheHighestRolesPosition_TheOwnerRanksAboveAll_AndStrangersAt0()
    {
        var snapshot = Snapshot(State(), 1, ("bot-mod", RoleSet.Of([Mod, Helper])), ("bot-plain", RoleSet.Empty));

        Assert.Equal(int.MaxValue, PanelRules.Rank(snapshot, Owner));
        Assert.Equal(2, PanelRules.Rank(snapshot, "bot-mod"));
        Assert.Equal(0, PanelRules.Rank(snapshot, "bot-plain"));
        Assert.Equal(0, PanelRules.Rank(snapshot, "bot-stranger"));
    }

    [Fact]
    public void RoleHierarchy_AMemberManagesOnlyRolesStrictlyBelowItsHighest_AndMayCreateAtItsOwnPosition()
    {
        var snapshot = Snapshot(State(), 1, ("bot-mod", RoleSet.Of([Mod])));

        PanelRules.RequireBelowCaller(snapshot, "bot-mod", 1);
        PanelRules.RequireNewRolePosition(snapshot, "bot-mod", 2);
        PanelRules.RequireBelowCaller(snapshot, Owner, 10_250);

        Assert.Equal(403, Assert.Throws<ApiException>(() => PanelRules.RequireBelowCaller(snapshot, "bot-mod", 2)).StatusCode);
        Assert.Equal(403, Assert.Throws<ApiException>(() => PanelRules.RequireNewRolePosition(snapshot, "bot-mod", 3)).StatusCode);
        Assert.Equal(400, Assert.Throws<ApiException>(() => PanelRules.RequireBelowCaller(snapshot, Owner, 0)).StatusCode);
    }

    [Fact]
    public void RequireOutranks_RefusesEqualRanks_AndTheOwnerAsTarget()
    {
        var snapshot = Snapshot(State(), 1, ("bot-a", RoleSet.Of([Helper])), ("bot-b", RoleSet.Of([Helper])), ("bot-mod", RoleSet.Of([Mod])));

        PanelRules.RequireOutranks(snapshot, "bot-mod", "bot-a");
        PanelRules.RequireOutranks(snapshot, Owner, "bot-mod");

        Assert.Equal("role hierarchy: the member's highest role is not below yours",
            Assert.Throws<ApiException>(() => PanelRules.RequireOutranks(snapshot, "bot-a", "bot-b")).Message);
        Assert.Equal(403, Assert.Throws<ApiException>(() => PanelRules.RequireOutranks(snapshot, "bot-mod", Owner)).StatusCode);
    }

    [Fact]
    public void RequireGrantable_NamesTheFieldAndTheFirstMissingPermission()
    {
        var snapshot = Snapshot(State(), 1, ("bot-helper", RoleSet.Of([Helper])));

        PanelRules.RequireGrantable(snapshot, "bot-helper", Permission.ManageChannels | Permission.SendMessages, "permissions");
        PanelRules.RequireGrantable(snapshot, Owner, Permission.Administrator, "permissions");

        var error = Assert.Throws<ApiException>(() =>
            PanelRules.RequireGrantable(snapshot, "bot-helper", Permission.Administrator | Permission.KickMembers, "everyone_permissions"));
        Assert.Equal(403, error.StatusCode);
        Assert.Equal("everyone_permissions: missing permission: kick_members", error.Message);
    }

    [Fact]
    public void RequireOverrideGrantable_LimitsAMemberToWhatItHasInTheChannel()
    {
        var snapshot = Snapshot(State(), 1, ("bot-helper", RoleSet.Of([Helper])));

        PanelRules.RequireOverrideGrantable(snapshot, "bot-helper", General, Permission.ManageChannels, Permission.SendMessages);
        PanelRules.RequireOverrideGrantable(snapshot, Owner, Secret, Permission.All & ~Permission.Administrator, Permission.None);

        var error = Assert.Throws<ApiException>(() =>
            PanelRules.RequireOverrideGrantable(snapshot, "bot-helper", General, Permission.ManageMessages, Permission.None));
        Assert.Equal("cannot allow or deny permissions you do not have in this channel", error.Message);
    }

    [Fact]
    public void RequireChannelPermission_NamesTheMissingPermission_AndTheOwnerHasAll()
    {
        var snapshot = Snapshot(State(), 1, ("bot-plain", RoleSet.Empty));

        PanelRules.RequireChannelPermission(snapshot, Owner, Secret, Permission.ManageRoles);
        PanelRules.RequireChannelPermission(snapshot, "bot-plain", General, Permission.SendMessages);

        var error = Assert.Throws<ApiException>(() => PanelRules.RequireChannelPermission(snapshot, "bot-plain", General, Permission.ManageMessages));
        Assert.Equal("missing permission: manage_messages", error.Message);
        Assert.Equal("missing permission: manage_panel",
            Assert.Throws<ApiException>(() => PanelRules.RequirePanelPermission(snapshot, "bot-plain", Permission.ManagePanel)).Message);
    }
}
