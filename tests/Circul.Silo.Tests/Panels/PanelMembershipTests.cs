using System.Globalization;

namespace Circul.Silo.Tests.Panels;

/// <summary>API.md section 6: invites, direct bot adds, kicks, leaves and bans, with their events and the system
/// messages announcing joins and leaves.</summary>
public sealed class PanelMembershipTests(SqliteSiloFixture fixture) : PanelTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task CreateInvite_Returns201WithCodeExpiresAtAndMaxUses()
    {
        var (_, panel, bots) = await PanelWithBotsAsync(1);
        var requestedAt = DateTimeOffset.UtcNow;

        var response = await bots[0].PostAsync($"{panel.Path}/invites", new { max_age_seconds = 3600, max_uses = 5 });

        var invite = response.Expect(HttpStatusCode.Created).Json;
        Assert.False(string.IsNullOrWhiteSpace(invite.Str("code")));
        Assert.Equal(5, invite.Long("max_uses"));
        var expiresAt = ContractShapes.AssertTimestamp(invite.Str("expires_at"));
        Assert.InRange(expiresAt, requestedAt.AddSeconds(3600 - 60), requestedAt.AddSeconds(3600 + 60));
    }

    [Fact]
    public async Task CreateInvite_WithoutCreateInvite_Returns403NamingIt()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        (await owner.PatchAsync(panel.Path, new { everyone_permissions = new[] { "view_channel", "send_messages", "read_message_history" } })).Expect(HttpStatusCode.OK);

        var response = await bots[0].PostAsync($"{panel.Path}/invites", new { });

        Assert.Equal("missing permission: create_invite", response.ExpectError(HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task AcceptInvite_JoinsThePanel_MembersAndTheNewcomerGetPanelMemberJoined_AndASystemMessageAnnouncesIt()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var newcomer = await NewBotAsync(owner);
        var code = await CreateInviteCodeAsync(owner, panel);
        await using var memberSocket = await bots[0].ConnectReadyAsync();
        await using var newcomerSocket = await newcomer.ConnectReadyAsync();

        var response = await newcomer.PostAsync($"/api/invites/{code}/accept");

        var joined = response.Expect(HttpStatusCode.OK).Json;
        Assert.Equal(panel.Id, joined.Str("id"));
        Assert.Contains(newcomer.Id, joined.Strings("member_ids"));
        var seen = await memberSocket.NextEventAsync("panel_member_joined", e => e.Payload.Str("user_id") == newcomer.Id, what: "panel_member_joined for the newcomer");
        Assert.Equal(panel.Id, seen.Payload.Str("panel_id"));
        await newcomerSocket.NextEventAsync("panel_member_joined", e => e.Payload.Str("user_id") == newcomer.Id, what: "panel_member_joined for itself");
        var system = await memberSocket.NextEventAsync("panel_message", e => e.Payload.Prop("message").Bool("is_system"), what: "the system message announcing the join");
        Assert.Equal(panel.GeneralId, system.Payload.Str("channel_id"));
        var newest = (await ChannelMessagesAsync(newcomer, panel, panel.GeneralId, "?limit=1")).Single();
        Assert.True(newest.Bool("is_system"), $"the newest message of general should announce the join: {newest}");
        Assert.Equal(panel.Id, newest.Str("sender_id"));
        PanelShapes.AssertPanelMessage(newest, panel.Id, panel.GeneralId);
        Assert.Contains(newcomer.Id, await MemberIdsAsync(owner, panel));
    }

    [Fact]
    public async Task AcceptInvite_ByAMember_Returns409_WithoutConsumingAUse()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var code = await CreateInviteCodeAsync(owner, panel, new { max_uses = 1 });
        var newcomer = await NewBotAsync(owner);

        var duplicate = await bots[0].PostAsync($"/api/invites/{code}/accept");
        var first = await newcomer.PostAsync($"/api/invites/{code}/accept");

        duplicate.ExpectError(HttpStatusCode.Conflict);
        first.Expect(HttpStatusCode.OK);
        Assert.Equal(3, (await GetPanelAsync(owner, panel)).Long("member_count"));
    }

    [Fact]
    public async Task AcceptInvite_UsedUp_TheSecondUserGets404_AndDoesNotJoin()
    {
        var (owner, panel, _) = await PanelWithBotsAsync(0);
        var code = await CreateInviteCodeAsync(owner, panel, new { max_uses = 1 });
        var first = await NewBotAsync(owner);
        var second = await NewBotAsync(owner);

        var accepted = await first.PostAsync($"/api/invites/{code}/accept");
        var refused = await second.PostAsync($"/api/invites/{code}/accept");

        accepted.Expect(HttpStatusCode.OK);
        refused.ExpectError(HttpStatusCode.NotFound);
        Assert.DoesNotContain(second.Id, await MemberIdsAsync(owner, panel));
        (await second.GetAsync(panel.Path)).ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AcceptInvite_Expired_Returns404_AndDoesNotJoin()
    {
        var (owner, panel, _) = await PanelWithBotsAsync(0);
        var invite = (await owner.PostAsync($"{panel.Path}/invites", new { max_age_seconds = 1 })).Expect(HttpStatusCode.Created).Json;
        var expiresAt = DateTimeOffset.Parse(invite.Str("expires_at"), CultureInfo.InvariantCulture);
        var late = await NewBotAsync(owner);

        // Not waiting for an event: the invite's own expiry time has to pass on the clock.
        var remaining = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        var response = await late.PostAsync($"/api/invites/{invite.Str("code")}/accept");

        response.ExpectError(HttpStatusCode.NotFound);
        Assert.DoesNotContain(late.Id, await MemberIdsAsync(owner, panel));
    }

    [Fact]
    public async Task AcceptInvite_WithAnUnknownCode_Returns404()
    {
        var owner = await NewHumanAsync();

        var response = await owner.PostAsync("/api/invites/no-such-code/accept");

        response.ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AddBot_WithManagePanel_AddsItDirectly_AndMembersAndTheBotGetPanelMemberJoined()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var added = await NewBotAsync(owner);
        await using var memberSocket = await bots[0].ConnectReadyAsync();
        await using var addedSocket = await added.ConnectReadyAsync();

        var response = await owner.PostAsync($"{panel.Path}/bots", new { bot_id = added.Id });

        // 201 with the created membership (the member object), not the whole panel: an add stays O(1) in a big panel.
        var member = response.Expect(HttpStatusCode.Created).Json;
        Assert.Equal(added.Id, member.Str("id"));
        Assert.True(member.GetProperty("is_bot").GetBoolean());
        Assert.Equal(0, member.GetProperty("role_ids").GetArrayLength());
        Assert.False(member.TryGetProperty("member_ids", out _));
        await memberSocket.NextEventAsync("panel_member_joined", e => e.Payload.Str("user_id") == added.Id, what: "panel_member_joined for the added bot");
        await addedSocket.NextEventAsync("panel_member_joined", e => e.Payload.Str("user_id") == added.Id && e.Payload.Str("panel_id") == panel.Id,
            what: "panel_member_joined for the bot itself");
        Assert.Contains(panel.Id, (await added.GetAsync("/api/panels")).Expect(HttpStatusCode.OK).Json.Ids());
    }

    [Fact]
    public async Task AddBot_WithoutManagePanel_Returns403NamingIt_AndAddsNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var other = await NewBotAsync(owner);

        var response = await bots[0].PostAsync($"{panel.Path}/bots", new { bot_id = other.Id });

        Assert.Equal("missing permission: manage_panel", response.ExpectError(HttpStatusCode.Forbidden));
        Assert.DoesNotContain(other.Id, await MemberIdsAsync(owner, panel));
    }

    [Fact]
    public async Task AddBot_WithTheIdOfAHuman_IsRefused_AndAddsNothing()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var human = await NewHumanAsync();

        var response = await owner.PostAsync($"{panel.Path}/bots", new { bot_id = human.Id });

        response.ExpectOneOf(HttpStatusCode.BadRequest, HttpStatusCode.NotFound);
        response.ExpectError(response.Status);
        Assert.Equal([owner.Id], await MemberIdsAsync(owner, panel));
    }

    [Fact]
    public async Task Kick_WithKickMembers_RemovesTheMember_AndMembersAndTheKickedUserGetPanelMemberLeft()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);
        var (mod, victim) = (bots[0], bots[1]);
        await GiveRoleAsync(owner, panel, mod, 1, "kick_members");
        await using var ownerSocket = await owner.ConnectReadyAsync();
        await using var victimSocket = await victim.ConnectReadyAsync();

        var response = await mod.DeleteAsync($"{panel.Path}/members/{victim.Id}");

        response.Expect(HttpStatusCode.NoContent);
        await ownerSocket.NextEventAsync("panel_member_left", e => e.Payload.Str("user_id") == victim.Id && e.Payload.Str("panel_id") == panel.Id,
            what: "panel_member_left for the kicked bot");
        await victimSocket.NextEventAsync("panel_member_left", e => e.Payload.Str("user_id") == victim.Id, what: "panel_member_left for the kicked bot itself");
        await ownerSocket.NextEventAsync("panel_message", e => e.Payload.Prop("message").Bool("is_system"), what: "the system message announcing the leave");
        Assert.DoesNotContain(victim.Id, await MemberIdsAsync(owner, panel));
        (await victim.GetAsync(panel.Path)).ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Leave_ByTheMemberItself_Returns204_AndEveryoneGetsPanelMemberLeft()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        await using var ownerSocket = await owner.ConnectReadyAsync();
        await using var leaverSocket = await bots[0].ConnectReadyAsync();

        var response = await bots[0].DeleteAsync($"{panel.Path}/members/{bots[0].Id}");

        response.Expect(HttpStatusCode.NoContent);
        await ownerSocket.NextEventAsync("panel_member_left", e => e.Payload.Str("user_id") == bots[0].Id, what: "panel_member_left for the leaver");
        await leaverSocket.NextEventAsync("panel_member_left", e => e.Payload.Str("user_id") == bots[0].Id, what: "panel_member_left for the leaver itself");
        Assert.Empty((await bots[0].GetAsync("/api/panels")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Fact]
    public async Task Kick_WithoutKickMembers_Returns403NamingIt_AndTheMemberStays()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);

        var response = await bots[0].DeleteAsync($"{panel.Path}/members/{bots[1].Id}");

        Assert.Equal("missing permission: kick_members", response.ExpectError(HttpStatusCode.Forbidden));
        Assert.Contains(bots[1].Id, await MemberIdsAsync(owner, panel));
    }

    [Fact]
    public async Task Kick_TheOwner_Returns403_AndTheOwnerStays()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        await GiveRoleAsync(owner, panel, bots[0], 1, "kick_members", "administrator");

        var response = await bots[0].DeleteAsync($"{panel.Path}/members/{owner.Id}");

        response.ExpectError(HttpStatusCode.Forbidden);
        Assert.Contains(owner.Id, await MemberIdsAsync(owner, panel));
    }

    [Fact]
    public async Task Ban_SendsPanelBannedToTheBannedUser_AndPanelMemberLeftToTheRest()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);
        var (witness, banned) = (bots[0], bots[1]);
        await using var witnessSocket = await witness.ConnectReadyAsync();
        await using var bannedSocket = await banned.ConnectReadyAsync();
        var panelName = panel.Created.Str("name");

        var response = await owner.PostAsync($"{panel.Path}/bans", new { user_id = banned.Id, reason = "spam" });

        response.ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);
        var notice = await bannedSocket.NextEventAsync("panel_banned", e => e.Payload.Str("panel_id") == panel.Id, what: "panel_banned for the banned bot");
        Assert.Equal(panelName, notice.Payload.Str("panel_name"));
        Assert.Equal("spam", notice.Payload.Str("reason"));
        await witnessSocket.NextEventAsync("panel_member_left", e => e.Payload.Str("user_id") == banned.Id, what: "panel_member_left for the banned bot");
        Assert.DoesNotContain(banned.Id, await MemberIdsAsync(owner, panel));
        (await banned.GetAsync(panel.Path)).ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BannedUser_CannotRejoinByInviteNorBeAddedDirectly_403()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var banned = bots[0];
        (await owner.PostAsync($"{panel.Path}/bans", new { user_id = banned.Id, reason = "rude" })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);
        var code = await CreateInviteCodeAsync(owner, panel, new { max_uses = 1 });

        var byInvite = await banned.PostAsync($"/api/invites/{code}/accept");
        var byAdd = await owner.PostAsync($"{panel.Path}/bots", new { bot_id = banned.Id });

        byInvite.ExpectError(HttpStatusCode.Forbidden);
        byAdd.ExpectError(HttpStatusCode.Forbidden);
        Assert.Equal([owner.Id], await MemberIdsAsync(owner, panel));
        var newcomer = await NewBotAsync(owner);
        await JoinByInviteAsync(newcomer, code);
    }

    [Fact]
    public async Task Ban_TheOwner_Returns403_AndTheOwnerStays()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        await GiveRoleAsync(owner, panel, bots[0], 1, "ban_members", "administrator");

        var response = await bots[0].PostAsync($"{panel.Path}/bans", new { user_id = owner.Id, reason = "coup" });

        response.ExpectError(HttpStatusCode.Forbidden);
        Assert.Contains(owner.Id, await MemberIdsAsync(owner, panel));
        Assert.Equal(panel.Id, (await GetPanelAsync(owner, panel)).Str("id"));
    }

    [Fact]
    public async Task Ban_WithoutBanMembers_Returns403NamingIt_AndTheMemberStays()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);

        var response = await bots[0].PostAsync($"{panel.Path}/bans", new { user_id = bots[1].Id, reason = "no" });

        Assert.Equal("missing permission: ban_members", response.ExpectError(HttpStatusCode.Forbidden));
        Assert.Contains(bots[1].Id, await MemberIdsAsync(owner, panel));
    }

    [Fact]
    public async Task BanningANonMember_KeepsThemFromJoiningByInvite()
    {
        var (owner, panel, _) = await PanelWithBotsAsync(0);
        var unwanted = await NewBotAsync(owner);
        (await owner.PostAsync($"{panel.Path}/bans", new { user_id = unwanted.Id, reason = "pre-emptive" })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);
        var code = await CreateInviteCodeAsync(owner, panel);

        var response = await unwanted.PostAsync($"/api/invites/{code}/accept");

        response.ExpectError(HttpStatusCode.Forbidden);
        Assert.Equal([owner.Id], await MemberIdsAsync(owner, panel));
    }

    [Fact]
    public async Task AddBot_OfAStrangerTheManagerCannotSee_Answers404LikeAnUnknownBot_AndAddsNothing()
    {
        var (owner, panel, _) = await PanelWithBotsAsync(0);
        var stranger = await NewStrangerAsync();

        var response = await owner.PostAsync($"{panel.Path}/bots", new { bot_id = stranger.Bot.Id });
        var unknown = await owner.PostAsync($"{panel.Path}/bots", new { bot_id = "bot-zzzzzzzzzzzzzzzzzzzz" });

        // API.md section 7: users the caller cannot see answer 404 exactly as users that do not exist.
        Assert.Equal(unknown.ExpectError(HttpStatusCode.NotFound), response.ExpectError(HttpStatusCode.NotFound));
        Assert.Equal([owner.Id], await MemberIdsAsync(owner, panel));
    }

    [Fact]
    public async Task Ban_OfAUserTheCallerCannotSee_Answers404LikeAnUnknownUser_AndBansNothing()
    {
        var (owner, panel, _) = await PanelWithBotsAsync(0);
        var stranger = await NewStrangerAsync();

        var response = await owner.PostAsync($"{panel.Path}/bans", new { user_id = stranger.Bot.Id, reason = "probe" });
        var unknown = await owner.PostAsync($"{panel.Path}/bans", new { user_id = "bot-zzzzzzzzzzzzzzzzzzzz", reason = "probe" });

        Assert.Equal(unknown.ExpectError(HttpStatusCode.NotFound), response.ExpectError(HttpStatusCode.NotFound));
        // Not banned: once the stranger's owner adds its own bot to a panel of its own, nothing stops it; and here an
        // invite still works for it.
        var code = await CreateInviteCodeAsync(owner, panel);
        (await stranger.Bot.PostAsync($"/api/invites/{code}/accept")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnInviteOfADeletedPanel_Answers404()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var code = await CreateInviteCodeAsync(owner, panel);
        (await owner.DeleteAsync(panel.Path)).Expect(HttpStatusCode.NoContent);
        var late = await NewBotAsync(owner);

        var response = await late.PostAsync($"/api/invites/{code}/accept");

        response.ExpectError(HttpStatusCode.NotFound);
        Assert.Empty((await late.GetAsync("/api/panels")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Fact]
    public async Task TheJoinAnnouncement_GoesToTheFirstTextChannel_WhenGeneralIsGone()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var remaining = (await CreateChannelAsync(owner, panel, "lobby", panel.TextCategoryId)).Str("id");
        (await owner.DeleteAsync(panel.ChannelPath(panel.GeneralId))).Expect(HttpStatusCode.NoContent);
        var newcomer = await NewHumanAsync();
        var code = await CreateInviteCodeAsync(owner, panel);

        await JoinByInviteAsync(newcomer, code);

        var announcement = Assert.Single(await ChannelMessagesAsync(newcomer, panel, remaining));
        Assert.True(announcement.Bool("is_system"), $"expected the join announcement: {announcement}");
        Assert.Equal(panel.Id, announcement.Str("sender_id"));
        Assert.Equal("missing permission: manage_channels",
            (await newcomer.PostAsync($"{panel.Path}/channels", new { name = "humans follow the same rules" })).ExpectError(HttpStatusCode.Forbidden));
    }
}
