using Circul.Grains.Events;
using Circul.Grains.Panels;
using Circul.Grains.Tests.Panels;

namespace Circul.Grains.Tests.Events;

/// <summary>Audiences as data, resolved on the receiving silo with the panel snapshots they name.</summary>
public sealed class AudienceResolverTests
{
    private const string Owner = PanelTestWorld.Owner;
    private const string Mod = PanelTestWorld.Mod;
    private const string Secret = PanelTestWorld.Secret;

    private static readonly PanelSnapshot Before = Snapshot(1, ("bot-mod", RoleSet.Of([Mod])), ("bot-plain", RoleSet.Empty));

    // Version 2: bot-plain became a mod, bot-mod lost the role.
    private static readonly PanelSnapshot After = Snapshot(2, ("bot-mod", RoleSet.Empty), ("bot-plain", RoleSet.Of([Mod])));

    [Fact]
    public void Users_IsExactlyTheListedIds()
    {
        var audience = EventAudience.Users(["a", "b"]);

        Assert.True(AudienceResolver.Includes(audience, "a", null, null));
        Assert.False(AudienceResolver.Includes(audience, "c", null, null));
        Assert.Equal(["a", "b"], AudienceResolver.Candidates(audience, null));
    }

    [Fact]
    public void ChannelViewers_FollowTheSnapshotsViewPermission_AndTheOwnerSeesEverything()
    {
        var audience = EventAudience.ChannelViewers("panel-test", Secret, After.Version);

        Assert.True(AudienceResolver.Includes(audience, "bot-plain", After, null));
        Assert.False(AudienceResolver.Includes(audience, "bot-mod", After, null));
        Assert.True(AudienceResolver.Includes(audience, Owner, After, null));
        Assert.False(AudienceResolver.Includes(audience, "stranger", After, null));
    }

    [Fact]
    public void ChannelViewers_AmongListedIds_IsTheMentionAudience()
    {
        var audience = EventAudience.ChannelViewers("panel-test", Secret, After.Version, among: ["bot-mod", "bot-plain"]);

        Assert.True(AudienceResolver.Includes(audience, "bot-plain", After, null));
        Assert.False(AudienceResolver.Includes(audience, "bot-mod", After, null), "listed but cannot view the channel");
        Assert.False(AudienceResolver.Includes(audience, Owner, After, null), "can view but not listed");
    }

    [Fact]
    public void ViewChanges_CompareTheTwoVersions()
    {
        var lost = EventAudience.ViewChange(AudienceKind.ChannelLostView, "panel-test", Secret, Before.Version, After.Version);
        var gained = EventAudience.ViewChange(AudienceKind.ChannelGainedView, "panel-test", Secret, Before.Version, After.Version);
        var kept = EventAudience.ViewChange(AudienceKind.ChannelKeptView, "panel-test", Secret, Before.Version, After.Version);

        Assert.Equal([true, false, false], new[] { "bot-mod", "bot-plain", Owner }.Select(u => AudienceResolver.Includes(lost, u, After, Before)));
        Assert.Equal([false, true, false], new[] { "bot-mod", "bot-plain", Owner }.Select(u => AudienceResolver.Includes(gained, u, After, Before)));
        Assert.Equal([false, false, true], new[] { "bot-mod", "bot-plain", Owner }.Select(u => AudienceResolver.Includes(kept, u, After, Before)));
    }

    [Fact]
    public void AViewChange_WithoutItsBeforeSnapshot_ReachesNobody()
    {
        var gained = EventAudience.ViewChange(AudienceKind.ChannelGainedView, "panel-test", Secret, Before.Version, After.Version);

        Assert.False(AudienceResolver.Includes(gained, "bot-plain", After, null));
    }

    [Fact]
    public void PanelRoleSets_SelectMembersByRoleSet_AndTheCreatorOnlyWhenIncluded()
    {
        var mods = EventAudience.PanelRoleSets("panel-test", After.Version, [RoleSet.Of([Mod]).Key], includeCreator: false);
        var everyoneElse = EventAudience.PanelRoleSets("panel-test", After.Version, [RoleSet.Empty.Key], includeCreator: true);

        Assert.Equal([false, true, false], new[] { "bot-mod", "bot-plain", Owner }.Select(u => AudienceResolver.Includes(mods, u, After, null)));
        Assert.Equal([true, false, true], new[] { "bot-mod", "bot-plain", Owner }.Select(u => AudienceResolver.Includes(everyoneElse, u, After, null)));
    }

    [Fact]
    public void PanelMembers_WithoutTheSnapshot_ReachesNobody_AndCandidatesAreItsMembers()
    {
        var audience = EventAudience.PanelMembers("panel-test", After.Version);

        Assert.False(AudienceResolver.Includes(audience, "bot-mod", null, null));
        Assert.True(AudienceResolver.Includes(audience, "bot-mod", After, null));
        Assert.Equal(new[] { "bot-mod", "bot-plain", Owner }.Order(), AudienceResolver.Candidates(audience, After).Order());
    }

    [Fact]
    public void ASnapshot_SurvivesTheTripAsData()
    {
        var copy = PanelSnapshotData.From(After).ToSnapshot();

        Assert.Equal(After.Version, copy.Version);
        Assert.True(copy.CanView("bot-plain", Secret));
        Assert.False(copy.CanView("bot-mod", Secret));
        Assert.Same(copy.Members["bot-mod"], copy.Members[Owner]); // equal role sets are shared again, so permissions memoise per set
    }

    private static PanelSnapshot Snapshot(long version, params (string UserId, RoleSet Roles)[] members) =>
        PanelTestWorld.Snapshot(PanelTestWorld.State(), version, members);
}
