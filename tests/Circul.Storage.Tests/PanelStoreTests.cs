using System.Globalization;

namespace Circul.Storage.Tests;

/// <summary>The parity suite of <see cref="IPanelStore"/>: every test runs once per provider (see the derived classes).</summary>
public abstract class PanelStoreTests(StorageFixture fixture)
{
    private IPanelStore Panels => fixture.Get<IPanelStore>();

    // ------------------------------------------------------------------ members

    [Fact]
    public async Task AddMember_Twice_ReturnsFalse_AndKeepsTheFirstJoin()
    {
        var (panel, user) = (TestData.Unique("p"), TestData.Unique("u"));

        Assert.True(await Panels.AddMemberAsync(panel, user, TestData.Now));
        await Panels.SetMemberRolesAsync(panel, user, ["r1"]);
        Assert.False(await Panels.AddMemberAsync(panel, user, TestData.Now.AddSeconds(5)));

        Assert.Equal([(user, "r1", TestData.Now)], await MembersAsync(panel));
        Assert.Equal(1L, await CountAsync($"SELECT COUNT(*) FROM panel_members WHERE panel_id = '{panel}'"));
    }

    [Fact]
    public async Task Members_ListInJoinOrder_TiesInInsertionOrder_WithNoRoles()
    {
        var panel = TestData.Unique("p");
        // Ids that sort against the join order, so an ORDER BY user_id would show.
        var (zed, mid, amy, bob) = (TestData.Unique("zed"), TestData.Unique("mid"), TestData.Unique("amy"), TestData.Unique("bob"));
        // Joined at: zed +0s, mid +1s, then amy and bob at the same instant (bob inserted first).
        Assert.True(await Panels.AddMemberAsync(panel, zed, TestData.Now));
        Assert.True(await Panels.AddMemberAsync(panel, mid, TestData.Now.AddSeconds(1)));
        Assert.True(await Panels.AddMemberAsync(panel, bob, TestData.Now.AddSeconds(2)));
        Assert.True(await Panels.AddMemberAsync(panel, amy, TestData.Now.AddSeconds(2)));

        var members = await Panels.GetMembersAsync(panel);

        Assert.Equal([zed, mid, bob, amy], members.Select(m => m.UserId));
        Assert.All(members, m => Assert.Equal(panel, m.PanelId));
        Assert.All(members, m => Assert.Empty(m.RoleIds));
        Assert.Equal([TestData.Now, TestData.Now.AddSeconds(1), TestData.Now.AddSeconds(2), TestData.Now.AddSeconds(2)], members.Select(m => m.JoinedAt));
        Assert.All(members, m => Assert.Equal(TimeSpan.Zero, m.JoinedAt.Offset));
        Assert.Empty(await Panels.GetMembersAsync(TestData.Unique("nopanel")));
    }

    [Fact]
    public async Task RemoveMember_ReturnsWhetherItWasAMember_AndTouchesOnlyThatMembership()
    {
        var (panel, other) = (TestData.Unique("p"), TestData.Unique("p"));
        var (a, b, c) = (TestData.Unique("a"), TestData.Unique("b"), TestData.Unique("c"));
        await Panels.AddMemberAsync(panel, a, TestData.Now);
        await Panels.AddMemberAsync(panel, b, TestData.Now.AddSeconds(1));
        await Panels.AddMemberAsync(panel, c, TestData.Now.AddSeconds(2));
        await Panels.AddMemberAsync(other, b, TestData.Now);

        Assert.True(await Panels.RemoveMemberAsync(panel, b));
        Assert.False(await Panels.RemoveMemberAsync(panel, b));
        Assert.False(await Panels.RemoveMemberAsync(panel, TestData.Unique("stranger")));

        Assert.Equal([a, c], (await Panels.GetMembersAsync(panel)).Select(m => m.UserId));
        Assert.Equal([b], (await Panels.GetMembersAsync(other)).Select(m => m.UserId));

        // Rejoining is a new join: no roles, the new time, listed last.
        await Panels.SetMemberRolesAsync(other, b, ["kept"]);
        Assert.True(await Panels.AddMemberAsync(panel, b, TestData.Now.AddSeconds(3)));
        Assert.Equal([(a, "", TestData.Now), (c, "", TestData.Now.AddSeconds(2)), (b, "", TestData.Now.AddSeconds(3))], await MembersAsync(panel));
        Assert.Equal([(b, "kept", TestData.Now)], await MembersAsync(other));
    }

    [Fact]
    public async Task SetMemberRoles_RoundTrips_InOrder_AndChangesOnlyThatMember()
    {
        var panel = TestData.Unique("p");
        var (a, b) = (TestData.Unique("a"), TestData.Unique("b"));
        await Panels.AddMemberAsync(panel, a, TestData.Now);
        await Panels.AddMemberAsync(panel, b, TestData.Now.AddSeconds(1));

        await Panels.SetMemberRolesAsync(panel, a, ["r2", "r1", "r3"]);
        Assert.Equal([(a, "r2,r1,r3", TestData.Now), (b, "", TestData.Now.AddSeconds(1))], await MembersAsync(panel));

        await Panels.SetMemberRolesAsync(panel, a, ["r9"]);
        await Panels.SetMemberRolesAsync(panel, b, ["r1", "r2"]);
        Assert.Equal([(a, "r9", TestData.Now), (b, "r1,r2", TestData.Now.AddSeconds(1))], await MembersAsync(panel));

        await Panels.SetMemberRolesAsync(panel, a, []);
        Assert.Equal([(a, "", TestData.Now), (b, "r1,r2", TestData.Now.AddSeconds(1))], await MembersAsync(panel));

        // Not a member: nothing is written (it does not make them one).
        var stranger = TestData.Unique("s");
        await Panels.SetMemberRolesAsync(panel, stranger, ["r1"]);
        Assert.Equal([a, b], (await Panels.GetMembersAsync(panel)).Select(m => m.UserId));
        Assert.Empty(await Panels.ListPanelIdsAsync(stranger));
    }

    [Fact]
    public async Task RemoveRoleFromMembers_RewritesOnlyTheHoldersInThatPanel()
    {
        var (panel, other) = (TestData.Unique("p"), TestData.Unique("p"));
        var (a, b, c, d, e) = (TestData.Unique("a"), TestData.Unique("b"), TestData.Unique("c"), TestData.Unique("d"), TestData.Unique("e"));
        await Panels.AddMemberAsync(panel, a, TestData.Now);
        await Panels.AddMemberAsync(panel, b, TestData.Now.AddSeconds(1));
        await Panels.AddMemberAsync(panel, c, TestData.Now.AddSeconds(2));
        await Panels.AddMemberAsync(panel, d, TestData.Now.AddSeconds(3));
        await Panels.AddMemberAsync(other, e, TestData.Now);
        await Panels.SetMemberRolesAsync(panel, a, ["r1", "r2"]);
        await Panels.SetMemberRolesAsync(panel, b, ["r2", "r1"]);
        await Panels.SetMemberRolesAsync(other, e, ["r1"]);
        // Non-holders stored with a spelling the store never writes: if their row were rewritten, it would change.
        // c holds "r10" (which contains "r1"), d holds nothing.
        await ExecuteAsync($"UPDATE panel_members SET role_ids = '[ \"r10\" , \"r3\" ]' WHERE panel_id = '{panel}' AND user_id = '{c}'");
        await ExecuteAsync($"UPDATE panel_members SET role_ids = '[ ]' WHERE panel_id = '{panel}' AND user_id = '{d}'");

        await Panels.RemoveRoleFromMembersAsync(panel, "r1");

        Assert.Equal(
            [(a, "r2", TestData.Now), (b, "r2", TestData.Now.AddSeconds(1)), (c, "r10,r3", TestData.Now.AddSeconds(2)), (d, "", TestData.Now.AddSeconds(3))],
            await MembersAsync(panel));
        Assert.Equal("[ \"r10\" , \"r3\" ]", await RoleJsonAsync(panel, c));
        Assert.Equal("[ ]", await RoleJsonAsync(panel, d));
        Assert.Equal([(e, "r1", TestData.Now)], await MembersAsync(other));

        // A role nobody holds: a no-op.
        await Panels.RemoveRoleFromMembersAsync(panel, "r404");
        Assert.Equal("[ \"r10\" , \"r3\" ]", await RoleJsonAsync(panel, c));
        Assert.Equal(["r2"], (await Panels.GetMembersAsync(panel))[0].RoleIds);
    }

    // ------------------------------------------------------------------ panels of a user

    [Fact]
    public async Task ListPanelIds_ReturnsExactlyThePanelsTheUserIsIn()
    {
        var (me, someone) = (TestData.Unique("me"), TestData.Unique("x"));
        var (p1, p2, left, notMine) = (TestData.Unique("p"), TestData.Unique("p"), TestData.Unique("p"), TestData.Unique("p"));
        await Panels.AddMemberAsync(p1, me, TestData.Now);
        await Panels.AddMemberAsync(p2, me, TestData.Now.AddSeconds(1));
        await Panels.AddMemberAsync(p2, someone, TestData.Now.AddSeconds(1));
        await Panels.AddMemberAsync(left, me, TestData.Now.AddSeconds(2));
        await Panels.RemoveMemberAsync(left, me);
        await Panels.AddMemberAsync(notMine, someone, TestData.Now);

        Assert.Equal(new[] { p1, p2 }.Order(StringComparer.Ordinal), (await Panels.ListPanelIdsAsync(me)).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { p2, notMine }.Order(StringComparer.Ordinal), (await Panels.ListPanelIdsAsync(someone)).Order(StringComparer.Ordinal));
        Assert.Empty(await Panels.ListPanelIdsAsync(TestData.Unique("nobody")));
    }

    [Fact]
    public async Task ListPanelPeers_AreDistinct_ExcludeTheUser_AndSkipPanelsLargerThanTheCap()
    {
        var me = TestData.Unique("me");
        var (x, y, z) = (TestData.Unique("x"), TestData.Unique("y"), TestData.Unique("z"));
        var (b1, b2, b3) = (TestData.Unique("b"), TestData.Unique("b"), TestData.Unique("b"));
        var stranger = TestData.Unique("s");
        // small: 3 members (= the cap below); medium: 3 members (y shared with small); big: 5 members (over the cap).
        await AddMembersAsync(TestData.Unique("small"), me, x, y);
        await AddMembersAsync(TestData.Unique("medium"), y, me, z);
        await AddMembersAsync(TestData.Unique("big"), me, x, b1, b2, b3);
        await AddMembersAsync(TestData.Unique("notmine"), x, stranger);

        var peers = await Panels.ListPanelPeersAsync(me, maxPanelSize: 3);
        Assert.Equal(new[] { x, y, z }.Order(StringComparer.Ordinal), peers.Order(StringComparer.Ordinal));

        // Just under the big panel's size: still skipped; at its size: it counts (and x is still listed once).
        Assert.Equal(new[] { x, y, z }.Order(StringComparer.Ordinal), (await Panels.ListPanelPeersAsync(me, maxPanelSize: 4)).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { x, y, z, b1, b2, b3 }.Order(StringComparer.Ordinal), (await Panels.ListPanelPeersAsync(me, maxPanelSize: 5)).Order(StringComparer.Ordinal));

        // Under every panel's size: nothing.
        Assert.Empty(await Panels.ListPanelPeersAsync(me, maxPanelSize: 2));
        Assert.Empty(await Panels.ListPanelPeersAsync(TestData.Unique("nobody"), maxPanelSize: 100));
    }

    [Fact]
    public async Task ListPanelPeers_OfAUserAloneInAPanel_IsEmpty()
    {
        var me = TestData.Unique("me");
        await Panels.AddMemberAsync(TestData.Unique("p"), me, TestData.Now);

        Assert.Empty(await Panels.ListPanelPeersAsync(me, maxPanelSize: 10));
    }

    [Fact]
    public async Task SharePanel_IsTrueOnlyWhileBothAreMembersOfOnePanel()
    {
        var (a, b, c) = (TestData.Unique("a"), TestData.Unique("b"), TestData.Unique("c"));
        var (p1, p2) = (TestData.Unique("p"), TestData.Unique("p"));
        await AddMembersAsync(p1, a, b);
        await AddMembersAsync(p2, c);

        Assert.True(await Panels.SharePanelAsync(a, b));
        Assert.True(await Panels.SharePanelAsync(b, a));
        Assert.False(await Panels.SharePanelAsync(a, c));
        Assert.False(await Panels.SharePanelAsync(c, a));
        Assert.False(await Panels.SharePanelAsync(a, TestData.Unique("nobody")));

        await Panels.AddMemberAsync(p2, a, TestData.Now);
        Assert.True(await Panels.SharePanelAsync(a, c));

        await Panels.RemoveMemberAsync(p1, b);
        Assert.False(await Panels.SharePanelAsync(a, b));
        Assert.True(await Panels.SharePanelAsync(c, a));
    }

    // ------------------------------------------------------------------ bans

    [Fact]
    public async Task Bans_AddTwiceIsANoOp_AndIsBannedIsPerPanelAndUser()
    {
        var (panel, other) = (TestData.Unique("p"), TestData.Unique("p"));
        var (banned, fine) = (TestData.Unique("u"), TestData.Unique("u"));
        Assert.False(await Panels.IsBannedAsync(panel, banned));

        await Panels.AddBanAsync(new PanelBanRecord(panel, banned, "spam", "mod-1", TestData.Now));
        await Panels.AddBanAsync(new PanelBanRecord(panel, banned, "again", "mod-2", TestData.Now.AddSeconds(1)));

        Assert.True(await Panels.IsBannedAsync(panel, banned));
        Assert.False(await Panels.IsBannedAsync(panel, fine));
        Assert.False(await Panels.IsBannedAsync(other, banned));
        Assert.Equal(1L, await CountAsync($"SELECT COUNT(*) FROM panel_bans WHERE panel_id = '{panel}'"));
    }

    // ------------------------------------------------------------------ invites

    [Fact]
    public async Task CreateInvite_ThenGet_RoundTripsEveryColumn_WithAndWithoutExpiry()
    {
        var panel = TestData.Unique("p");
        var never = new PanelInviteRecord(TestData.Unique("inv"), panel, "creator-1", TestData.Now, ExpiresAt: null, MaxUses: 0, Uses: 0);
        // Sub-millisecond ticks and a non-UTC offset: storage keeps the instant at millisecond precision, in UTC.
        var expiresAt = new DateTimeOffset(2031, 5, 6, 7, 8, 9, 123, TimeSpan.FromHours(2)).AddTicks(4567);
        var expiring = new PanelInviteRecord(TestData.Unique("inv"), panel, "creator-2", TestData.Now.AddSeconds(1), expiresAt, MaxUses: 7, Uses: 2);

        await Panels.CreateInviteAsync(never);
        await Panels.CreateInviteAsync(expiring);

        Assert.Equal(never, await Panels.GetInviteAsync(never.Code));
        var read = await Panels.GetInviteAsync(expiring.Code);
        Assert.NotNull(read);
        Assert.Equal(new DateTimeOffset(2031, 5, 6, 5, 8, 9, 123, TimeSpan.Zero), read.ExpiresAt);
        Assert.Equal(TimeSpan.Zero, read.ExpiresAt!.Value.Offset);
        Assert.Equal(expiring with { ExpiresAt = read.ExpiresAt }, read);
        Assert.Null(await Panels.GetInviteAsync(TestData.Unique("missing")));
    }

    [Fact]
    public async Task TryUseInvite_CountsEachUse_AndRefusesOnceMaxUsesIsReached()
    {
        var invite = new PanelInviteRecord(TestData.Unique("inv"), TestData.Unique("p"), "creator", TestData.Now, null, MaxUses: 3, Uses: 0);
        await Panels.CreateInviteAsync(invite);

        for (var use = 1; use <= 3; use++)
        {
            Assert.True(await Panels.TryUseInviteAsync(invite.Code, TestData.Now));
            Assert.Equal(use, (await Panels.GetInviteAsync(invite.Code))!.Uses);
        }

        Assert.False(await Panels.TryUseInviteAsync(invite.Code, TestData.Now));
        Assert.False(await Panels.TryUseInviteAsync(invite.Code, TestData.Now));
        Assert.Equal(invite with { Uses = 3 }, await Panels.GetInviteAsync(invite.Code));
        Assert.False(await Panels.TryUseInviteAsync(TestData.Unique("missing"), TestData.Now));
    }

    [Fact]
    public async Task TryUseInvite_CreatedWithUsesAlreadyAtMax_IsRefused()
    {
        var invite = new PanelInviteRecord(TestData.Unique("inv"), TestData.Unique("p"), "creator", TestData.Now, null, MaxUses: 2, Uses: 1);
        await Panels.CreateInviteAsync(invite);

        Assert.True(await Panels.TryUseInviteAsync(invite.Code, TestData.Now));
        Assert.False(await Panels.TryUseInviteAsync(invite.Code, TestData.Now));
        Assert.Equal(2, (await Panels.GetInviteAsync(invite.Code))!.Uses);
    }

    [Fact]
    public async Task TryUseInvite_AfterExpiry_IsRefused_AndCountsNothing()
    {
        var expiresAt = TestData.Now.AddHours(1);
        var invite = new PanelInviteRecord(TestData.Unique("inv"), TestData.Unique("p"), "creator", TestData.Now, expiresAt, MaxUses: 0, Uses: 0);
        await Panels.CreateInviteAsync(invite);

        Assert.True(await Panels.TryUseInviteAsync(invite.Code, TestData.Now));
        Assert.True(await Panels.TryUseInviteAsync(invite.Code, expiresAt.AddMilliseconds(-1)));
        Assert.False(await Panels.TryUseInviteAsync(invite.Code, expiresAt.AddMilliseconds(1)));
        Assert.False(await Panels.TryUseInviteAsync(invite.Code, expiresAt.AddDays(30)));

        Assert.Equal(invite with { Uses = 2 }, await Panels.GetInviteAsync(invite.Code));
    }

    [Fact]
    public async Task TryUseInvite_WithMaxUsesZero_IsUnlimited()
    {
        var invite = new PanelInviteRecord(TestData.Unique("inv"), TestData.Unique("p"), "creator", TestData.Now, null, MaxUses: 0, Uses: 0);
        await Panels.CreateInviteAsync(invite);

        for (var use = 0; use < 25; use++)
        {
            Assert.True(await Panels.TryUseInviteAsync(invite.Code, TestData.Now.AddDays(use * 100)));
        }

        Assert.Equal(invite with { Uses = 25 }, await Panels.GetInviteAsync(invite.Code));
    }

    [Fact]
    public async Task TryUseInvite_TwentyConcurrentUsesOfAFiveUseInvite_ExactlyFiveSucceed()
    {
        for (var round = 0; round < 3; round++)
        {
            var invite = new PanelInviteRecord(TestData.Unique("inv"), TestData.Unique("p"), "creator", TestData.Now, TestData.Now.AddDays(1), MaxUses: 5, Uses: 0);
            await Panels.CreateInviteAsync(invite);
            using var start = new Barrier(20);

            var uses = Enumerable.Range(0, 20)
                .Select(_ => Task.Run(() =>
                {
                    start.SignalAndWait();
                    return Panels.TryUseInviteAsync(invite.Code, TestData.Now);
                }))
                .ToArray();
            var results = await Task.WhenAll(uses);

            Assert.Equal(5, results.Count(ok => ok));
            Assert.Equal(invite with { Uses = 5 }, await Panels.GetInviteAsync(invite.Code));
        }
    }

    // ------------------------------------------------------------------ deleting a panel

    [Fact]
    public async Task DeletePanel_RemovesMembersAndInvites_KeepsBans_AndLeavesOtherPanelsAlone()
    {
        var (panel, other) = (TestData.Unique("p"), TestData.Unique("p"));
        var (a, b, banned) = (TestData.Unique("a"), TestData.Unique("b"), TestData.Unique("x"));
        await AddMembersAsync(panel, a, b);
        await AddMembersAsync(other, a);
        await Panels.SetMemberRolesAsync(other, a, ["r1"]);
        var invite = new PanelInviteRecord(TestData.Unique("inv"), panel, a, TestData.Now, null, 0, 0);
        var otherInvite = new PanelInviteRecord(TestData.Unique("inv"), other, a, TestData.Now, null, 0, 0);
        await Panels.CreateInviteAsync(invite);
        await Panels.CreateInviteAsync(otherInvite);
        await Panels.AddBanAsync(new PanelBanRecord(panel, banned, "spam", a, TestData.Now));
        await Panels.AddBanAsync(new PanelBanRecord(other, banned, "spam", a, TestData.Now));

        await Panels.DeletePanelAsync(panel);

        Assert.Empty(await Panels.GetMembersAsync(panel));
        Assert.Null(await Panels.GetInviteAsync(invite.Code));
        Assert.False(await Panels.TryUseInviteAsync(invite.Code, TestData.Now));
        Assert.True(await Panels.IsBannedAsync(panel, banned));
        Assert.Equal([other], await Panels.ListPanelIdsAsync(a));
        Assert.Empty(await Panels.ListPanelIdsAsync(b));
        Assert.False(await Panels.SharePanelAsync(a, b));

        Assert.Equal([(a, "r1", TestData.Now)], await MembersAsync(other));
        Assert.Equal(otherInvite, await Panels.GetInviteAsync(otherInvite.Code));
        Assert.True(await Panels.IsBannedAsync(other, banned));

        // Deleting again (or a panel that never existed) is a no-op.
        await Panels.DeletePanelAsync(panel);
        await Panels.DeletePanelAsync(TestData.Unique("nopanel"));
        Assert.True(await Panels.IsBannedAsync(panel, banned));
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Adds the users in order, one second apart.</summary>
    private async Task AddMembersAsync(string panelId, params string[] userIds)
    {
        for (var i = 0; i < userIds.Length; i++)
        {
            Assert.True(await Panels.AddMemberAsync(panelId, userIds[i], TestData.Now.AddSeconds(i)));
        }
    }

    /// <summary>The members as comparable values: user, comma-joined role ids, join time.</summary>
    private async Task<List<(string UserId, string Roles, DateTimeOffset JoinedAt)>> MembersAsync(string panelId) =>
        [.. (await Panels.GetMembersAsync(panelId)).Select(m =>
        {
            Assert.Equal(panelId, m.PanelId);
            return (m.UserId, string.Join(',', m.RoleIds), m.JoinedAt);
        })];

    private async Task<string?> RoleJsonAsync(string panelId, string userId) =>
        (string?)await fixture.ScalarAsync($"SELECT role_ids FROM panel_members WHERE panel_id = '{panelId}' AND user_id = '{userId}'");

    private async Task<long> CountAsync(string sql) =>
        Convert.ToInt64(await fixture.ScalarAsync(sql), CultureInfo.InvariantCulture);

    /// <summary>Runs a statement on the write connection (to seed rows the store itself would not write).</summary>
    private async Task ExecuteAsync(string sql)
    {
        await using var lease = await fixture.Dialect.AcquireWriteConnectionAsync(CancellationToken.None);
        await using var command = lease.Connection.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
