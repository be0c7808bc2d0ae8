namespace Circul.Silo.Tests;

/// <summary>API.md section 8, the events table: payloads and exactly who receives them.</summary>
public sealed class GatewayEventsTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task MessageNew_ReachesEveryConnectionOfBothDmMembers()
    {
        var world = await NewBotsInDmAsync();
        await using var a1 = await world.A.ConnectReadyAsync();
        await using var a2 = await world.A.ConnectReadyAsync();
        await using var b1 = await world.B.ConnectReadyAsync();

        var sent = await SendAsync(world.A, world.DmId, "to everyone in the DM");

        foreach (var socket in new[] { a1, a2, b1 })
        {
            var e = await socket.NextEventAsync("message_new", MessageNewWithId(sent.Str("id")));
            Assert.Equal(world.DmId, e.Payload.Str("conv_id"));
            var message = e.Payload.Prop("message");
            ContractShapes.AssertMessage(message);
            Assert.Equal("to everyone in the DM", message.Str("text"));
            Assert.Equal(world.A.Id, message.Str("sender_id"));
        }
    }

    [Fact]
    public async Task MessageNew_DoesNotReachStrangersNorUsersWhoShareOnlyOtherRooms()
    {
        var world = await NewBotsInDmAsync();
        var stranger = await NewStrangerAsync();
        await using var ownerSocket = await world.Owner.ConnectReadyAsync();
        await using var strangerSocket = await stranger.Bot.ConnectReadyAsync();

        await SendAsync(world.A, world.DmId, "secret between A and B");
        var groupMarker = await SendAsync(world.B, world.GroupId, "group marker");
        var strangerMarker = await stranger.MarkerAsync();

        bool InDm(GatewayEvent e) => e.Payload.ValueKind == JsonValueKind.Object && e.Payload.Has("conv_id") && e.Payload.Str("conv_id") == world.DmId;
        await ownerSocket.AssertNoneBeforeAsync(InDm, "message_new", MessageNewWithId(groupMarker.Str("id")), "event of the DM the owner is not in");
        await strangerSocket.AssertNoneBeforeAsync(InDm, "message_new", MessageNewWithText(strangerMarker), "event of a foreign DM");
    }

    [Fact]
    public async Task GroupMessage_FansOutToEveryMembersConnection()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);
        var b = await NewBotAsync(owner);
        var c = await NewBotAsync(owner);
        var groupId = (await CreateGroupAsync(owner, a, b, c)).Str("id");
        var sockets = new List<GatewayClient>();
        foreach (var member in new[] { owner, a, b, c, c })
        {
            sockets.Add(await member.ConnectReadyAsync());
        }

        var sent = await SendAsync(b, groupId, "hello group");

        foreach (var socket in sockets)
        {
            var e = await socket.NextEventAsync("message_new", MessageNewWithId(sent.Str("id")));
            Assert.Equal(groupId, e.Payload.Str("conv_id"));
            await socket.DisposeAsync();
        }
    }

    [Fact]
    public async Task RemovedGroupMember_NoLongerReceivesTheGroupsMessages()
    {
        var world = await NewBotsInDmAsync();
        await using var bSocket = await world.B.ConnectReadyAsync();
        (await world.Owner.DeleteAsync($"/api/groups/{world.GroupId}/members/{world.B.Id}")).Expect(HttpStatusCode.NoContent);

        await SendAsync(world.Owner, world.GroupId, "after B left");
        var marker = await SendAsync(world.A, world.DmId, "marker in the DM");

        await bSocket.AssertNoneBeforeAsync(
            e => e.Type == "message_new" && e.Payload.Str("conv_id") == world.GroupId,
            "message_new", MessageNewWithId(marker.Str("id")), "group message after removal");
    }

    [Fact]
    public async Task AddedGroupMember_StartsReceivingTheGroupsMessages()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);
        var late = await NewBotAsync(owner);
        var groupId = (await CreateGroupAsync(owner, a)).Str("id");
        await using var lateSocket = await late.ConnectReadyAsync();

        (await owner.PostAsync($"/api/groups/{groupId}/members", new { user_id = late.Id })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);
        var sent = await SendAsync(a, groupId, "welcome");

        await lateSocket.NextEventAsync("message_new", MessageNewWithId(sent.Str("id")));
    }

    [Fact]
    public async Task MessageEdited_ReachesMembersWithIdTextAndEditedAt()
    {
        var world = await NewBotsInDmAsync();
        await using var bSocket = await world.B.ConnectReadyAsync();
        var sent = await SendAsync(world.A, world.DmId, "before");

        var edited = (await world.A.PatchAsync($"/api/messages/{sent.Str("id")}", new { text = "after" })).Expect(HttpStatusCode.OK).Json;

        var e = await bSocket.NextEventAsync("message_edited");
        Assert.Equal(world.DmId, e.Payload.Str("conv_id"));
        Assert.Null(e.Payload.NullableStr("panel_id"));
        Assert.Null(e.Payload.NullableStr("channel_id"));
        var message = e.Payload.Prop("message");
        Assert.Equal(sent.Str("id"), message.Str("id"));
        Assert.Equal("after", message.Str("text"));
        Assert.Equal(edited.NullableStr("edited_at"), message.NullableStr("edited_at"));
        ContractShapes.AssertTimestamp(message.Str("edited_at"));
    }

    [Fact]
    public async Task MessageDeleted_ReachesMembersWithTheMessageId()
    {
        var world = await NewBotsInDmAsync();
        await using var aSocket = await world.A.ConnectReadyAsync();
        await using var bSocket = await world.B.ConnectReadyAsync();
        var sent = await SendAsync(world.A, world.DmId, "soon gone");

        (await world.A.DeleteAsync($"/api/messages/{sent.Str("id")}")).Expect(HttpStatusCode.NoContent);

        foreach (var socket in new[] { aSocket, bSocket })
        {
            var e = await socket.NextEventAsync("message_deleted");
            Assert.Equal(sent.Str("id"), e.Payload.Str("message_id"));
            Assert.Equal(world.DmId, e.Payload.Str("conv_id"));
            Assert.Null(e.Payload.NullableStr("panel_id"));
            Assert.Null(e.Payload.NullableStr("channel_id"));
        }
    }

    [Fact]
    public async Task ReactionAddedAndRemoved_ReachMembersWithTheirPayload()
    {
        var world = await NewBotsInDmAsync();
        await using var aSocket = await world.A.ConnectReadyAsync();
        var sent = await SendAsync(world.A, world.DmId, "like me");
        var id = sent.Str("id");

        (await world.B.PostAsync($"/api/messages/{id}/reactions", new { emoji = "🔥" })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);
        var added = await aSocket.NextEventAsync("reaction_added");
        (await world.B.DeleteAsync($"/api/messages/{id}/reactions/{Uri.EscapeDataString("🔥")}")).Expect(HttpStatusCode.NoContent);
        var removed = await aSocket.NextEventAsync("reaction_removed");

        foreach (var e in new[] { added, removed })
        {
            Assert.Equal(id, e.Payload.Str("message_id"));
            Assert.Equal("🔥", e.Payload.Str("emoji"));
            Assert.Equal(world.B.Id, e.Payload.Str("user_id"));
            Assert.Equal(world.DmId, e.Payload.Str("conv_id"));
            Assert.Null(e.Payload.NullableStr("panel_id"));
            Assert.Null(e.Payload.NullableStr("channel_id"));
        }

        Assert.True(added.Seq < removed.Seq);
    }

    [Fact]
    public async Task IdempotentSecondReaction_EmitsNoSecondReactionAdded()
    {
        var world = await NewBotsInDmAsync();
        await using var aSocket = await world.A.ConnectReadyAsync();
        var id = (await SendAsync(world.A, world.DmId, "once")).Str("id");

        (await world.B.PostAsync($"/api/messages/{id}/reactions", new { emoji = "1" })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);
        (await world.B.PostAsync($"/api/messages/{id}/reactions", new { emoji = "1" })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);
        var marker = await SendAsync(world.B, world.DmId, "marker");

        await aSocket.NextEventAsync("reaction_added");
        await aSocket.AssertNoneBeforeAsync(e => e.Type == "reaction_added", "message_new", MessageNewWithId(marker.Str("id")), "second reaction_added");
    }

    [Fact]
    public async Task Mention_ReachesTheMentionedMemberOnly_InAdditionToMessageNew()
    {
        var world = await NewBotsInDmAsync();
        await using var ownerSocket = await world.Owner.ConnectReadyAsync();
        await using var bSocket = await world.B.ConnectReadyAsync();

        var sent = (await world.A.PostAsync($"/api/conversations/{world.GroupId}/messages", new { text = "look", mentions = new[] { world.B.Id } }))
            .Expect(HttpStatusCode.Created).Json;
        var marker = await SendAsync(world.A, world.GroupId, "marker");

        await bSocket.NextEventAsync("message_new", MessageNewWithId(sent.Str("id")));
        var mention = await bSocket.NextEventAsync("mention");
        Assert.Equal(sent.Str("id"), mention.Payload.Prop("message").Str("id"));
        Assert.Equal(world.GroupId, mention.Payload.Str("conv_id"));
        Assert.Null(mention.Payload.NullableStr("panel_id"));
        Assert.Equal(world.A.Id, mention.Payload.Str("sender_id"));
        await ownerSocket.NextEventAsync("message_new", MessageNewWithId(sent.Str("id")));
        await ownerSocket.AssertNoneBeforeAsync(e => e.Type == "mention", "message_new", MessageNewWithId(marker.Str("id")), "mention for an unmentioned member");
    }

    [Fact]
    public async Task MentionMarkupInText_AlsoSendsTheMentionEvent()
    {
        var world = await NewBotsInDmAsync();
        await using var bSocket = await world.B.ConnectReadyAsync();

        var sent = await SendAsync(world.A, world.DmId, $"hey <@{world.B.Id}>");

        var mention = await bSocket.NextEventAsync("mention");
        Assert.Equal(sent.Str("id"), mention.Payload.Prop("message").Str("id"));
    }

    [Fact]
    public async Task MentionOfAUserWhoCannotSeeTheRoom_SendsThemNothing()
    {
        var world = await NewBotsInDmAsync();
        var stranger = await NewStrangerAsync();
        await using var strangerSocket = await stranger.Bot.ConnectReadyAsync();

        (await world.A.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = "psst", mentions = new[] { stranger.Bot.Id } }))
            .Expect(HttpStatusCode.Created);
        var marker = await stranger.MarkerAsync();

        await strangerSocket.AssertNoneBeforeAsync(e => e.Type == "mention", "message_new", MessageNewWithText(marker), "mention from a room it cannot see");
    }

    [Fact]
    public async Task UserUpdated_OnMoodChange_ReachesTheUserAndItsDmPeer_ButNotStrangers()
    {
        var world = await NewBotsInDmAsync();
        var stranger = await NewStrangerAsync();
        await using var aSocket = await world.A.ConnectReadyAsync();
        await using var bSocket = await world.B.ConnectReadyAsync();
        await using var strangerSocket = await stranger.Bot.ConnectReadyAsync();

        (await world.B.PatchAsync("/api/bot/me", new { mood = "sunny" })).Expect(HttpStatusCode.OK);
        var marker = await stranger.MarkerAsync();

        foreach (var socket in new[] { aSocket, bSocket })
        {
            var e = await socket.NextEventAsync("user_updated", AboutUser(world.B.Id));
            ContractShapes.AssertUser(e.Payload);
            Assert.Equal("sunny", e.Payload.Str("mood"));
        }

        await strangerSocket.AssertNoneBeforeAsync(AboutUser(world.B.Id), "message_new", MessageNewWithText(marker), "event about an unrelated bot");
    }

    [Fact]
    public async Task UserUpdated_OnNameOrBioChangeThroughPatchMe_ReachesPeers()
    {
        var world = await NewBotsInDmAsync();
        await using var aSocket = await world.A.ConnectReadyAsync();

        (await world.B.PatchAsync("/api/me", new { bio = "new bio" })).Expect(HttpStatusCode.OK);

        var e = await aSocket.NextEventAsync("user_updated", AboutUser(world.B.Id));
        Assert.Equal("new bio", e.Payload.Str("bio"));
    }

    [Fact]
    public async Task StatusOnlyChange_EmitsStatusChangeButNoUserUpdated()
    {
        var world = await NewBotsInDmAsync();
        await using var aSocket = await world.A.ConnectReadyAsync();

        (await world.B.PatchAsync("/api/bot/me", new { status = "away" })).Expect(HttpStatusCode.OK);
        var marker = await SendAsync(world.B, world.DmId, "marker");

        var change = await aSocket.NextEventAsync("status_change", AboutUser(world.B.Id));
        Assert.Equal("away", change.Payload.Str("status"));
        await aSocket.AssertNoneBeforeAsync(e => e.Type == "user_updated" && AboutUser(world.B.Id)(e), "message_new", MessageNewWithId(marker.Str("id")), "user_updated for a status-only change");
    }

    [Fact]
    public async Task AvatarUpload_SendsAvatarUpdatedAndUserUpdatedToPeers()
    {
        var world = await NewBotsInDmAsync();
        await using var aSocket = await world.A.ConnectReadyAsync();

        var user = (await world.B.PostAsync("/api/me/avatar", new { data = TestImages.Base64(TestImages.Png), mime = "image/png" }))
            .ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created).Json;

        var avatar = await aSocket.NextEventAsync("avatar_updated", AboutUser(world.B.Id));
        Assert.Equal(user.Str("avatar_url"), avatar.Payload.Str("avatar_url"));
        var updated = await aSocket.NextEventAsync("user_updated", AboutUser(world.B.Id));
        Assert.Equal(user.Str("avatar_url"), updated.Payload.Str("avatar_url"));
        (await world.B.DeleteAsync("/api/me/avatar")).ExpectOneOf(HttpStatusCode.NoContent, HttpStatusCode.OK);
        var cleared = await aSocket.NextEventAsync("avatar_updated", AboutUser(world.B.Id));
        Assert.Equal("", cleared.Payload.Str("avatar_url"));
    }

    [Fact]
    public async Task BannerUpload_SendsUserUpdatedToPeers()
    {
        var world = await NewBotsInDmAsync();
        await using var aSocket = await world.A.ConnectReadyAsync();

        var user = (await world.B.PostAsync("/api/me/banner", new { data = TestImages.Base64(TestImages.Png), mime = "image/png" }))
            .ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created).Json;

        var updated = await aSocket.NextEventAsync("user_updated", AboutUser(world.B.Id));
        Assert.Equal(user.Str("banner_url"), updated.Payload.Str("banner_url"));
    }

    [Fact]
    public async Task EventsOfOneRoom_ArriveInTheOrderTheServerAcceptedThem()
    {
        var world = await NewBotsInDmAsync();
        await using var bSocket = await world.B.ConnectReadyAsync();

        var sends = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => SendAsync(i % 2 == 0 ? world.A : world.B, world.DmId, $"order {i}")));
        var ids = sends.Select(m => m.Str("id")).Order(StringComparer.Ordinal).ToList();

        var received = new List<string>();
        foreach (var id in ids)
        {
            await bSocket.NextEventAsync("message_new", MessageNewWithId(id));
        }

        received.AddRange(bSocket.ReceivedOf("message_new").Select(e => e.Payload.Prop("message").Str("id")));
        Assert.Equal(ids, received);
    }
}
