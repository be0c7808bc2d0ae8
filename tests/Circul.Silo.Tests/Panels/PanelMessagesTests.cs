namespace Circul.Silo.Tests.Panels;

/// <summary>API.md sections 5 and 6: channel messages (send, list with cursors, edit, delete, reactions, mentions) and
/// the permissions each needs.</summary>
public sealed class PanelMessagesTests(SqliteSiloFixture fixture) : PanelTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task SendMessage_Returns201WithPanelAndChannelIds_AndMembersGetPanelMessage()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        await using var ownerSocket = await owner.ConnectReadyAsync();

        var message = await PostInChannelAsync(bots[0], panel, panel.GeneralId, "hello panel");

        PanelShapes.AssertPanelMessage(message, panel.Id, panel.GeneralId);
        Assert.Equal(bots[0].Id, message.Str("sender_id"));
        Assert.False(message.Bool("is_system"));
        var seen = await ownerSocket.NextEventAsync("panel_message", MessageNewWithId(message.Str("id")), what: "panel_message for the bot's message");
        Assert.Equal(panel.Id, seen.Payload.Str("panel_id"));
        Assert.Equal(panel.GeneralId, seen.Payload.Str("channel_id"));
        PanelShapes.AssertPanelMessage(seen.Payload.Prop("message"), panel.Id, panel.GeneralId);
    }

    [Fact]
    public async Task ListMessages_IsNewestFirst_AndHonoursLimitBeforeAndAfter()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var channel = (await CreateChannelAsync(owner, panel, "paging")).Str("id");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await PostInChannelAsync(i % 2 == 0 ? owner : bots[0], panel, channel, $"m{i}")).Str("id"));
        }

        var all = await ChannelMessagesAsync(bots[0], panel, channel);
        var newest = await ChannelMessagesAsync(bots[0], panel, channel, "?limit=2");
        var before = await ChannelMessagesAsync(bots[0], panel, channel, $"?limit=2&before={ids[3]}");
        var after = await ChannelMessagesAsync(bots[0], panel, channel, $"?limit=2&after={ids[1]}");

        Assert.Equal(Enumerable.Reverse(ids), all.Select(m => m.Str("id")));
        Assert.Equal([ids[4], ids[3]], newest.Select(m => m.Str("id")));
        Assert.Equal([ids[2], ids[1]], before.Select(m => m.Str("id")));
        Assert.Equal([ids[3], ids[2]], after.Select(m => m.Str("id")));
    }

    [Fact]
    public async Task ListMessages_WithALimitOutsideOneToOneHundred_Returns400NamingLimit()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);

        var zero = await owner.GetAsync(panel.MessagesPath(panel.GeneralId) + "?limit=0");
        var tooMany = await owner.GetAsync(panel.MessagesPath(panel.GeneralId) + "?limit=101");

        Assert.Contains("limit", zero.ExpectError(HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Contains("limit", tooMany.ExpectError(HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EditMessage_BySender_SetsEditedAt_AndViewersGetMessageEdited()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var message = await PostInChannelAsync(bots[0], panel, panel.GeneralId, "typo");
        await using var ownerSocket = await owner.ConnectReadyAsync();

        var response = await bots[0].PatchAsync($"/api/messages/{message.Str("id")}", new { text = "fixed" });

        var edited = response.Expect(HttpStatusCode.OK).Json;
        Assert.Equal("fixed", edited.Str("text"));
        Assert.NotNull(edited.NullableStr("edited_at"));
        var seen = await ownerSocket.NextEventAsync("message_edited", MessageNewWithId(message.Str("id")), what: "message_edited for the message");
        Assert.Equal(panel.Id, seen.Payload.NullableStr("panel_id"));
        Assert.Equal(panel.GeneralId, seen.Payload.NullableStr("channel_id"));
        Assert.Equal(panel.GeneralId, seen.Payload.Str("conv_id"));
        Assert.Equal("fixed", seen.Payload.Prop("message").Str("text"));
        seen.Payload.Prop("message").Str("edited_at");
        Assert.Equal("fixed", (await ChannelMessagesAsync(owner, panel, panel.GeneralId)).Single(m => m.Str("id") == message.Str("id")).Str("text"));
    }

    [Fact]
    public async Task EditMessage_ByAnotherMember_Returns403_EvenWithManageMessages_AndTheTextStays()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        await GiveRoleAsync(owner, panel, bots[0], 1, "manage_messages");
        var message = await PostInChannelAsync(owner, panel, panel.GeneralId, "mine");

        var response = await bots[0].PatchAsync($"/api/messages/{message.Str("id")}", new { text = "yours" });

        response.ExpectError(HttpStatusCode.Forbidden);
        Assert.Equal("mine", (await ChannelMessagesAsync(owner, panel, panel.GeneralId)).Single(m => m.Str("id") == message.Str("id")).Str("text"));
    }

    [Fact]
    public async Task DeleteMessage_BySender_Returns204_ViewersGetMessageDeleted_AndItIsGone()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var message = await PostInChannelAsync(bots[0], panel, panel.GeneralId, "regret");
        await using var ownerSocket = await owner.ConnectReadyAsync();

        var response = await bots[0].DeleteAsync($"/api/messages/{message.Str("id")}");

        response.Expect(HttpStatusCode.NoContent);
        var seen = await ownerSocket.NextEventAsync("message_deleted", e => e.Payload.Str("message_id") == message.Str("id"), what: "message_deleted for the message");
        Assert.Equal(panel.Id, seen.Payload.NullableStr("panel_id"));
        Assert.Equal(panel.GeneralId, seen.Payload.NullableStr("channel_id"));
        Assert.DoesNotContain(await ChannelMessagesAsync(owner, panel, panel.GeneralId), m => m.Str("id") == message.Str("id"));
        (await bots[0].PatchAsync($"/api/messages/{message.Str("id")}", new { text = "back?" })).ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeleteMessage_ByAMemberWithManageMessages_Returns204()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);
        await GiveRoleAsync(owner, panel, bots[0], 1, "manage_messages");
        var message = await PostInChannelAsync(bots[1], panel, panel.GeneralId, "spam");

        var response = await bots[0].DeleteAsync($"/api/messages/{message.Str("id")}");

        response.Expect(HttpStatusCode.NoContent);
        Assert.DoesNotContain(await ChannelMessagesAsync(owner, panel, panel.GeneralId), m => m.Str("id") == message.Str("id"));
    }

    [Fact]
    public async Task DeleteMessage_ByAMemberWithoutManageMessages_Returns403MissingPermissionManageMessages_AndTheMessageStays()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var message = await PostInChannelAsync(owner, panel, panel.GeneralId, "keep me");

        var response = await bots[0].DeleteAsync($"/api/messages/{message.Str("id")}");

        response.ExpectError(HttpStatusCode.Forbidden);
        Assert.Equal("""{"error":"missing permission: manage_messages"}""", response.Text);
        Assert.Contains(await ChannelMessagesAsync(owner, panel, panel.GeneralId), m => m.Str("id") == message.Str("id"));
    }

    [Fact]
    public async Task DeleteMessage_WhereManageMessagesIsDeniedForTheRoleInThatChannel_Returns403()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var roleId = await GiveRoleAsync(owner, panel, bots[0], 1, "manage_messages");
        (await PutOverrideAsync(owner, panel, panel.GeneralId, roleId, NoPermissions, ["manage_messages"])).Expect(HttpStatusCode.OK);
        var message = await PostInChannelAsync(owner, panel, panel.GeneralId, "protected here");

        var response = await bots[0].DeleteAsync($"/api/messages/{message.Str("id")}");

        Assert.Equal("missing permission: manage_messages", response.ExpectError(HttpStatusCode.Forbidden));
        Assert.Contains(await ChannelMessagesAsync(owner, panel, panel.GeneralId), m => m.Str("id") == message.Str("id"));
    }

    [Fact]
    public async Task Reactions_AddAndRemove_EmitEvents_AndShowOnTheMessage()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var message = await PostInChannelAsync(owner, panel, panel.GeneralId, "react to me");
        var id = message.Str("id");
        await using var ownerSocket = await owner.ConnectReadyAsync();

        (await bots[0].PostAsync($"/api/messages/{id}/reactions", new { emoji = "🎉" })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);

        var added = await ownerSocket.NextEventAsync("reaction_added", e => e.Payload.Str("message_id") == id, what: "reaction_added for the message");
        Assert.Equal("🎉", added.Payload.Str("emoji"));
        Assert.Equal(bots[0].Id, added.Payload.Str("user_id"));
        Assert.Equal(panel.Id, added.Payload.NullableStr("panel_id"));
        Assert.Equal(panel.GeneralId, added.Payload.NullableStr("channel_id"));
        Assert.Equal(panel.GeneralId, added.Payload.Str("conv_id"));
        var reaction = Assert.Single((await ChannelMessagesAsync(owner, panel, panel.GeneralId)).Single(m => m.Str("id") == id).Items("reactions"));
        Assert.Equal("🎉", reaction.Str("emoji"));
        Assert.Equal(1, reaction.Long("count"));
        Assert.Equal([bots[0].Id], reaction.Strings("user_ids"));

        (await bots[0].DeleteAsync($"/api/messages/{id}/reactions/{Uri.EscapeDataString("🎉")}")).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.NoContent);

        await ownerSocket.NextEventAsync("reaction_removed", e => e.Payload.Str("message_id") == id, what: "reaction_removed for the message");
        Assert.Empty((await ChannelMessagesAsync(owner, panel, panel.GeneralId)).Single(m => m.Str("id") == id).Items("reactions"));
    }

    [Fact]
    public async Task AddReaction_WhereAddReactionsIsDenied_Returns403NamingIt_AndAddsNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        (await PutOverrideAsync(owner, panel, panel.GeneralId, "everyone", NoPermissions, ["add_reactions"])).Expect(HttpStatusCode.OK);
        var message = await PostInChannelAsync(owner, panel, panel.GeneralId, "no reactions here");

        var response = await bots[0].PostAsync($"/api/messages/{message.Str("id")}/reactions", new { emoji = "👍" });

        Assert.Equal("missing permission: add_reactions", response.ExpectError(HttpStatusCode.Forbidden));
        Assert.Empty((await ChannelMessagesAsync(owner, panel, panel.GeneralId)).Single(m => m.Str("id") == message.Str("id")).Items("reactions"));
    }

    [Fact]
    public async Task Mention_InAPanel_ReachesOnlyTheMentionedMembersWhoCanViewTheChannel()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(3);
        var (viewer, blind, bystander) = (bots[0], bots[1], bots[2]);
        var hidden = await CreateHiddenChannelAsync(owner, panel);
        var role = await GiveRoleAsync(owner, panel, viewer, 1);
        await AssignRoleAsync(owner, panel, bystander.Id, role);
        (await PutOverrideAsync(owner, panel, hidden, role, ["view_channel"], NoPermissions)).Expect(HttpStatusCode.OK);
        await using var viewerSocket = await viewer.ConnectReadyAsync();
        await using var blindSocket = await blind.ConnectReadyAsync();
        await using var bystanderSocket = await bystander.ConnectReadyAsync();

        var message = await PostInChannelAsync(owner, panel, hidden, $"hey <@{blind.Id}>", mentions: [viewer.Id]);

        Assert.Contains(viewer.Id, message.Strings("mentions"));
        Assert.DoesNotContain(blind.Id, message.Strings("mentions"));
        var mention = await viewerSocket.NextEventAsync("mention", e => e.Payload.Prop("message").Str("id") == message.Str("id"), what: "mention for the viewer");
        Assert.Equal(panel.Id, mention.Payload.NullableStr("panel_id"));
        Assert.Equal(hidden, mention.Payload.Str("conv_id"));
        Assert.Equal(owner.Id, mention.Payload.Str("sender_id"));
        await viewerSocket.NextEventAsync("panel_message", MessageNewWithId(message.Str("id")), what: "panel_message as well as the mention");
        await AssertNothingBeforeMarkerAsync(blindSocket, owner, panel, panel.GeneralId,
            e => e.Type == "mention" || AnyEventOfChannel(hidden)(e), "a mention or message of a channel it cannot view");
        await AssertNothingBeforeMarkerAsync(bystanderSocket, owner, panel, panel.GeneralId,
            e => e.Type == "mention", "a mention when it was not mentioned");
    }

    [Fact]
    public async Task ReplyTo_AMessageOfAnotherChannel_Returns400_AndPostsNothing()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var other = (await CreateChannelAsync(owner, panel, "other")).Str("id");
        var elsewhere = await PostInChannelAsync(owner, panel, other, "over there");

        var response = await owner.PostAsync(panel.MessagesPath(panel.GeneralId), new { text = "re", reply_to_id = elsewhere.Str("id") });

        Assert.Contains("reply_to_id", response.ExpectError(HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.DoesNotContain(await ChannelMessagesAsync(owner, panel, panel.GeneralId), m => m.Str("text") == "re");
    }

    [Fact]
    public async Task SendMessage_RetriedWithTheSameIdempotencyKey_ReturnsTheFirstMessage_AndPostsItOnce()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = Unique("key") };

        var first = await owner.PostAsync(panel.MessagesPath(panel.GeneralId), new { text = "once" }, headers);
        var retry = await owner.PostAsync(panel.MessagesPath(panel.GeneralId), new { text = "once" }, headers);

        var firstId = first.Expect(HttpStatusCode.Created).Json.Str("id");
        Assert.Equal(firstId, retry.ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created).Json.Str("id"));
        Assert.Single(await ChannelMessagesAsync(owner, panel, panel.GeneralId), m => m.Str("text") == "once");
    }
}
