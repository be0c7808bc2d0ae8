using Circul.Grains.Events;
using Circul.Grains.Panels;
using static Circul.Grains.Tests.Panels.PanelTestWorld;

namespace Circul.Grains.Tests.Panels;

public sealed class PanelAudiencesTests
{
    private static readonly string[] Channels = [General, Secret];

    [Fact]
    public void PanelUpdated_WhenEveryoneSeesEverything_IsOneEventForAllMembers()
    {
        var state = State();
        state.Channels[1] = state.Channels[1] with { Overrides = [] };
        var snapshot = Snapshot(state, 7, ("bot-a", RoleSet.Empty), ("bot-mod", RoleSet.Of([Mod])));

        var group = Assert.Single(PanelAudiences.PanelUpdated(snapshot, Channels, [RoleSet.Empty, snapshot.Members["bot-mod"]]));

        Assert.Equal(EventAudience.PanelMembers("panel-test", 7), group.Audience);
        Assert.Null(group.VisibleChannels);
        Assert.True(group.IsVisible(Secret));
    }

    [Fact]
    public void PanelUpdated_GroupsRoleSetsByTheChannelsTheySee_AndTheCreatorGetsTheFullView()
    {
        var mod = RoleSet.Of([Mod]);
        var helper = RoleSet.Of([Helper]);
        var snapshot = Snapshot(State(), 7, ("bot-a", RoleSet.Empty), ("bot-helper", helper), ("bot-mod", mod));

        var groups = PanelAudiences.PanelUpdated(snapshot, Channels, [RoleSet.Empty, helper, mod]);

        Assert.Equal(2, groups.Count);
        var full = groups.Single(g => g.Audience.IncludeCreator);
        var partial = groups.Single(g => !g.Audience.IncludeCreator);
        Assert.Equal([mod.Key], full.Audience.RoleSetKeys!);
        Assert.True(full.IsVisible(Secret));
        Assert.Equal(new[] { RoleSet.Empty.Key, helper.Key }.Order(), partial.Audience.RoleSetKeys!.Order());
        Assert.True(partial.IsVisible(General));
        Assert.False(partial.IsVisible(Secret));
        foreach (var group in groups)
        {
            Assert.Equal(AudienceKind.PanelRoleSets, group.Audience.Kind);
            Assert.Equal(7, group.Audience.Version);
        }

        // Each member is in exactly one group, and hidden channels stay out of the groups that cannot view them.
        foreach (var member in snapshot.Members.Keys)
        {
            var mine = groups.Where(g => AudienceResolver.Includes(g.Audience, member, snapshot, null)).ToList();
            Assert.Single(mine);
            Assert.Equal(snapshot.CanView(member, Secret), mine[0].IsVisible(Secret));
        }
    }

    [Fact]
    public void ViewChanges_FindTheChannelsSomeRoleSetSeesDifferently_WithLostAndGainedAudiences()
    {
        var before = Snapshot(State(), 7, ("bot-a", RoleSet.Empty), ("bot-mod", RoleSet.Of([Mod])));
        var opened = State();
        opened.Channels[1] = opened.Channels[1] with { Overrides = [] };
        var after = new PanelSnapshot("panel-test", 8, new PanelPermissions(opened), before.Members);

        var change = Assert.Single(PanelAudiences.ViewChanges(before, after, Channels, [RoleSet.Empty, before.Members["bot-mod"]]));

        Assert.Equal(Secret, change.ChannelId);
        Assert.Equal(EventAudience.ViewChange(AudienceKind.ChannelLostView, "panel-test", Secret, 7, 8), change.Lost);
        Assert.Equal(EventAudience.ViewChange(AudienceKind.ChannelGainedView, "panel-test", Secret, 7, 8), change.Gained);
        Assert.True(AudienceResolver.Includes(change.Gained, "bot-a", after, before));
        Assert.False(AudienceResolver.Includes(change.Gained, "bot-mod", after, before));
        Assert.False(AudienceResolver.Includes(change.Lost, "bot-a", after, before));
    }

    [Fact]
    public void ViewChanges_OnlyLookAtTheRoleSetsAndChannelsGiven()
    {
        var before = Snapshot(State(), 7, ("bot-a", RoleSet.Empty));
        var opened = State();
        opened.Channels[1] = opened.Channels[1] with { Overrides = [] };
        var after = new PanelSnapshot("panel-test", 8, new PanelPermissions(opened), before.Members);

        Assert.Empty(PanelAudiences.ViewChanges(before, after, Channels, [RoleSet.Of([Mod])]));
        Assert.Empty(PanelAudiences.ViewChanges(before, after, [General], [RoleSet.Empty]));
    }

    [Fact]
    public void ViewChangesOf_OneMember_FollowItsRoleChange()
    {
        var before = Snapshot(State(), 7, ("bot-a", RoleSet.Empty));
        var after = before.WithMembers(before.Members.SetItem("bot-a", RoleSet.Of([Mod])));

        var change = Assert.Single(PanelAudiences.ViewChangesOf(before, after, Channels, "bot-a"));

        Assert.Equal(Secret, change.ChannelId);
        Assert.Equal(after.Version, change.Gained.Version);
        Assert.Empty(PanelAudiences.ViewChangesOf(before, after, Channels, Owner));
    }

    [Fact]
    public void KeptView_IsTheMembersWhoSawTheChannelBeforeAndStillDo()
    {
        var before = Snapshot(State(), 7, ("bot-a", RoleSet.Empty), ("bot-mod", RoleSet.Of([Mod])));
        var closed = State();
        closed.Channels[0] = closed.Channels[0] with { Overrides = [new ChannelOverride(PermissionResolver.EveryoneRoleId, Permission.None, Permission.ViewChannel)] };
        var after = new PanelSnapshot("panel-test", 8, new PanelPermissions(closed), before.Members);

        var kept = PanelAudiences.KeptView(before, after, General);

        Assert.Equal(AudienceKind.ChannelKeptView, kept.Kind);
        Assert.True(AudienceResolver.Includes(kept, Owner, after, before));
        Assert.False(AudienceResolver.Includes(kept, "bot-a", after, before));
        Assert.False(AudienceResolver.Includes(kept, "bot-mod", after, before));
    }
}
