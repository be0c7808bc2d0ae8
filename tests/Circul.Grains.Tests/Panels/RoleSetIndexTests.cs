using Circul.Grains.Panels;

namespace Circul.Grains.Tests.Panels;

public sealed class RoleSetIndexTests
{
    [Fact]
    public void MembersWithTheSameRoles_ShareOneInternedRoleSet_WhateverTheOrderGiven()
    {
        var index = new RoleSetIndex();
        index.Load([("bot-a", ["role-x", "role-y"]), ("bot-b", ["role-y", "role-x"]), ("bot-c", [])]);

        Assert.Same(index.Members["bot-a"], index.Members["bot-b"]);
        Assert.Same(RoleSet.Empty, index.Members["bot-c"]);
        Assert.Same(index.Members["bot-a"], index.Intern(RoleSet.Of(["role-x", "role-y"])));
        Assert.Equal(2, index.UsesOf(index.Members["bot-a"]));
        Assert.Equal(2, index.InUse.Count);
    }

    [Fact]
    public void UseCounts_FollowJoinsRoleChangesAndLeaves_AndUnusedSetsDropOut()
    {
        var index = new RoleSetIndex();
        index.Put("u-owner", RoleSet.Empty);
        index.Put("bot-a", RoleSet.Empty);
        Assert.Equal(2, index.UsesOf(RoleSet.Empty));

        index.Put("bot-a", RoleSet.Of(["role-x"]));
        var x = index.Members["bot-a"];
        Assert.Equal(1, index.UsesOf(RoleSet.Empty));
        Assert.Equal(1, index.UsesOf(x));

        index.Put("bot-b", RoleSet.Of(["role-x"]));
        Assert.Same(x, index.Members["bot-b"]);
        Assert.Equal(2, index.UsesOf(x));

        index.Put("bot-a", null);
        index.Put("bot-b", null);
        Assert.False(index.Contains("bot-a"));
        Assert.Equal(0, index.UsesOf(x));
        Assert.DoesNotContain(x, index.InUse);
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void RemoveRole_TakesItFromEveryHolder_AndMovesTheirCounts()
    {
        var index = new RoleSetIndex();
        index.Load([("bot-a", ["role-x", "role-y"]), ("bot-b", ["role-x"]), ("bot-c", ["role-y"])]);

        index.RemoveRole("role-x");

        Assert.Equal(["role-y"], index.Members["bot-a"].RoleIds);
        Assert.Same(index.Members["bot-a"], index.Members["bot-c"]);
        Assert.Same(RoleSet.Empty, index.Members["bot-b"]);
        Assert.Equal(2, index.UsesOf(index.Members["bot-c"]));
        Assert.Equal(2, index.InUse.Count);
    }

    [Fact]
    public void Members_IsAnImmutableView_ThatLaterChangesDoNotAlter()
    {
        var index = new RoleSetIndex();
        index.Put("bot-a", RoleSet.Empty);
        var before = index.Members;

        index.Put("bot-b", RoleSet.Empty);
        index.Clear();

        Assert.Single(before);
        Assert.Empty(index.Members);
        Assert.Empty(index.InUse);
    }
}
