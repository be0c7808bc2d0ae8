using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Circul.Grains.Panels;

namespace Circul.Grains.Tests.Panels;

/// <summary><see cref="PanelPermissions"/> and <see cref="PanelSnapshot"/>: memoised per role set, immutable, replaced
/// rather than mutated, and answering "nothing" for unknown channels and non-members.</summary>
public sealed class PanelSnapshotTests
{
    private const string Owner = "u-owner";
    private const string Mod = "role-mod";
    private const string Helper = "role-helper";
    private const string General = "ch-general";
    private const string Secret = "ch-secret";

    [Fact]
    public void InChannel_TwoMembersWithTheSameRoles_ShareOneMemoisedResult()
    {
        var permissions = new PanelPermissions(State());
        var snapshot = Snapshot(permissions, ("bot-a", RoleSet.Of([Mod, Helper])), ("bot-b", RoleSet.Of([Helper, Mod, Helper])));

        var a = snapshot.InChannel("bot-a", Secret);
        var b = snapshot.InChannel("bot-b", Secret);

        Assert.Equal(Permissions.EveryoneDefault | Permission.ManageMessages | Permission.ManageChannels, a);
        Assert.Equal(a, b);
        Assert.Equal(1, MemoisedEntries(permissions));
    }

    [Fact]
    public void InChannel_DifferentRoleSets_AreMemoisedSeparately_AndAnswerDifferently()
    {
        var permissions = new PanelPermissions(State());
        var snapshot = Snapshot(permissions, ("bot-a", RoleSet.Of([Mod])), ("bot-b", RoleSet.Empty));

        Assert.True(snapshot.CanView("bot-a", Secret));
        Assert.False(snapshot.CanView("bot-b", Secret));
        Assert.Equal(2, MemoisedEntries(permissions));
    }

    [Fact]
    public void WithMembers_ChangingAMembersRoles_ChangesTheNewSnapshotsAnswer_AndTheOldSnapshotKeepsItsOwn()
    {
        var old = Snapshot(new PanelPermissions(State()), ("bot-b", RoleSet.Empty));

        var updated = old.WithMembers(old.Members.SetItem("bot-b", RoleSet.Of([Mod])));

        Assert.True(updated.CanView("bot-b", Secret), "the member was given the role that can view the channel");
        Assert.False(old.CanView("bot-b", Secret), "the old snapshot must keep answering the old way");
        Assert.Equal(old.Version + 1, updated.Version);
        Assert.Same(old.Permissions, updated.Permissions);
    }

    [Fact]
    public void WithMembers_AJoinAndALeave_DoNotChangeTheOldSnapshotsMembership()
    {
        var old = Snapshot(new PanelPermissions(State()), ("bot-a", RoleSet.Empty));

        var updated = old.WithMembers(old.Members.Remove("bot-a").SetItem("bot-new", RoleSet.Empty));

        Assert.True(old.IsMember("bot-a"));
        Assert.False(old.IsMember("bot-new"));
        Assert.Equal(Permission.None, old.InChannel("bot-new", General));
        Assert.False(updated.IsMember("bot-a"));
        Assert.Equal(Permissions.EveryoneDefault, updated.InChannel("bot-new", General));
        Assert.Equal(["bot-a", Owner], old.MemberSet.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void WithPermissions_AnOverrideRemoved_AnswersTheNewWay_WhileTheOldSnapshotKeepsTheOldAnswer()
    {
        var state = State();
        var old = Snapshot(new PanelPermissions(state), ("bot-b", RoleSet.Empty));
        state.Channels[1] = state.Channels[1] with { Overrides = [] };

        var updated = old.WithPermissions(new PanelPermissions(state));

        Assert.False(old.CanView("bot-b", Secret));
        Assert.True(updated.CanView("bot-b", Secret));
        Assert.Equal(old.Version + 1, updated.Version);
        Assert.Same(old.Members, updated.Members);
    }

    [Fact]
    public void PanelPermissions_IsACopy_ChangingTheStateAfterwardsDoesNotChangeItsAnswers()
    {
        var state = State();
        var permissions = new PanelPermissions(state);
        var snapshot = Snapshot(permissions, ("bot-a", RoleSet.Of([Mod])), ("bot-b", RoleSet.Empty));

        state.Everyone = Permission.None;
        state.Roles.Clear();
        state.Channels.Clear();
        state.CreatorId = "bot-b";

        Assert.Equal(Permissions.EveryoneDefault, snapshot.InChannel("bot-b", General));
        Assert.True(snapshot.CanView("bot-a", Secret));
        Assert.Equal(Permission.All, snapshot.InChannel(Owner, Secret));
    }

    [Fact]
    public void InChannel_ForAnUnknownChannel_IsNone_EvenForTheOwner()
    {
        var snapshot = Snapshot(new PanelPermissions(State()), ("bot-a", RoleSet.Of([Mod])));

        Assert.Equal(Permission.None, snapshot.InChannel("bot-a", "ch-nope"));
        Assert.Equal(Permission.None, snapshot.InChannel(Owner, "ch-nope"));
        Assert.False(snapshot.CanView(Owner, "ch-nope"));
    }

    [Fact]
    public void ANonMember_HasNoPermissionAnywhere()
    {
        var snapshot = Snapshot(new PanelPermissions(State()), ("bot-a", RoleSet.Empty));

        Assert.Equal(Permission.None, snapshot.InChannel("bot-stranger", General));
        Assert.Equal(Permission.None, snapshot.InPanel("bot-stranger"));
        Assert.False(snapshot.CanView("bot-stranger", General));
        Assert.False(snapshot.IsMember("bot-stranger"));
    }

    [Fact]
    public void TheOwner_HasEveryPermission_InThePanelAndInAChannelHiddenFromEveryone()
    {
        var snapshot = Snapshot(new PanelPermissions(State()));

        Assert.Equal(Permission.All, snapshot.InPanel(Owner));
        Assert.Equal(Permission.All, snapshot.InChannel(Owner, Secret));
    }

    [Fact]
    public void AMemberWithARoleThatNoLongerExists_IsTreatedAsHavingOnlyEveryonesPermissions()
    {
        var snapshot = Snapshot(new PanelPermissions(State()), ("bot-a", RoleSet.Of(["role-deleted"])));

        Assert.Equal(Permissions.EveryoneDefault, snapshot.InPanel("bot-a"));
        Assert.False(snapshot.CanView("bot-a", Secret));
    }

    [Fact]
    public void InPanel_UnitesTheRolesPermissions_WithoutAnyChannelOverride()
    {
        var snapshot = Snapshot(new PanelPermissions(State()), ("bot-a", RoleSet.Of([Mod, Helper])));

        Assert.Equal(Permissions.EveryoneDefault | Permission.ManageMessages | Permission.ManageChannels, snapshot.InPanel("bot-a"));
    }

    [Fact]
    public void HighestPosition_IsTheHighestRolesPosition_OrZeroWithoutRoles()
    {
        var permissions = new PanelPermissions(State());

        Assert.Equal(2, permissions.HighestPosition(RoleSet.Of([Helper, Mod])));
        Assert.Equal(1, permissions.HighestPosition(RoleSet.Of([Helper])));
        Assert.Equal(0, permissions.HighestPosition(RoleSet.Empty));
        Assert.Equal(0, permissions.HighestPosition(RoleSet.Of(["role-deleted"])));
    }

    [Fact]
    public void RoleSet_IsSortedAndDistinct_SoTheSameRolesInAnyOrderHaveOneKey()
    {
        var one = RoleSet.Of(["role-b", "role-a", "role-b"]);
        var two = RoleSet.Of(["role-a", "role-b"]);

        Assert.Equal(one.Key, two.Key);
        Assert.Equal(["role-a", "role-b"], one.RoleIds);
        Assert.Same(RoleSet.Empty, RoleSet.Of([]));
        Assert.Same(one, one.With("role-a"));
        Assert.Same(one, one.Without("role-c"));
        Assert.Equal(["role-a"], one.Without("role-b").RoleIds);
        Assert.Equal(["role-a", "role-b", "role-c"], one.With("role-c").RoleIds);
    }

    [Fact]
    public void ViewFilter_AnswersExactlyLikeCanView_ForEveryMemberAndChannel()
    {
        var snapshot = Snapshot(new PanelPermissions(State()),
            ("bot-mod", RoleSet.Of([Mod])), ("bot-helper", RoleSet.Of([Helper])), ("bot-plain", RoleSet.Empty));
        string[] users = [Owner, "bot-mod", "bot-helper", "bot-plain", "bot-stranger"];
        string[] channels = [General, Secret, "ch-nope"];

        foreach (var channel in channels)
        {
            var filter = snapshot.ViewFilter(channel);
            foreach (var user in users)
            {
                Assert.True(filter(user) == snapshot.CanView(user, channel),
                    $"fan-out and REST disagree for {user} in {channel}: filter {filter(user)}, CanView {snapshot.CanView(user, channel)}");
            }
        }

        Assert.True(snapshot.ViewFilter(Secret)(Owner));
        Assert.True(snapshot.ViewFilter(Secret)("bot-mod"));
        Assert.False(snapshot.ViewFilter(Secret)("bot-plain"));
        Assert.False(snapshot.ViewFilter("ch-nope")(Owner));
        Assert.False(snapshot.ViewFilter(General)("bot-stranger"));
    }

    [Fact]
    public void ViewFilter_OfAnOldSnapshot_KeepsItsAnswers_WhileTheNewSnapshotsFilterFollowsTheRoleChange()
    {
        var old = Snapshot(new PanelPermissions(State()), ("bot-b", RoleSet.Empty));
        var oldFilter = old.ViewFilter(Secret);
        Assert.False(oldFilter("bot-b"));

        var updated = old.WithMembers(old.Members.SetItem("bot-b", RoleSet.Of([Mod])));

        Assert.True(updated.ViewFilter(Secret)("bot-b"));
        Assert.False(oldFilter("bot-b"));
        Assert.False(old.ViewFilter(Secret)("bot-b"));
        Assert.Same(oldFilter, old.ViewFilter(Secret));
    }

    /// <summary>A panel: everyone has the defaults; <c>mod</c> (position 2) has manage_messages and may view
    /// <c>secret</c>, which everyone else may not; <c>helper</c> (position 1) has manage_channels.</summary>
    private static PanelState State() => new()
    {
        Name = "test panel",
        CreatorId = Owner,
        Everyone = Permissions.EveryoneDefault,
        Roles =
        [
            new RoleState(Mod, "mod", "#ff0000", 2, Permission.ManageMessages),
            new RoleState(Helper, "helper", "#00ff00", 1, Permission.ManageChannels),
        ],
        Channels =
        [
            new ChannelState(General, "general", null, "", 0, []),
            new ChannelState(Secret, "secret", null, "", 1,
            [
                new ChannelOverride(PermissionResolver.EveryoneRoleId, Permission.None, Permission.ViewChannel),
                new ChannelOverride(Mod, Permission.ViewChannel, Permission.None),
            ]),
        ],
    };

    private static PanelSnapshot Snapshot(PanelPermissions permissions, params (string UserId, RoleSet Roles)[] members)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, RoleSet>(StringComparer.Ordinal);
        builder[Owner] = RoleSet.Empty;
        foreach (var (userId, roles) in members)
        {
            builder[userId] = roles;
        }

        return new PanelSnapshot("panel-test", 1, permissions, builder.ToImmutable());
    }

    /// <summary>How many (role set, channel) results the permissions object holds. The memo is private by design;
    /// reading it is the only way to show that equal role sets share one computation.</summary>
    private static int MemoisedEntries(PanelPermissions permissions)
    {
        var field = typeof(PanelPermissions)
            .GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
            .FirstOrDefault(f => typeof(ICollection).IsAssignableFrom(f.FieldType));
        Assert.True(field is not null, "PanelPermissions no longer has a private memo collection; update this test");
        return ((ICollection)field.GetValue(permissions)!).Count;
    }
}
