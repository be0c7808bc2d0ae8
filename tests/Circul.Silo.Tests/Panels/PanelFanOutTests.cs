namespace Circul.Silo.Tests.Panels;

/// <summary>API.md sections 7 and 8: a channel's events reach exactly the members who can view it, decided by the same
/// permission function as REST, and a change of overrides or roles applies from the next event on.</summary>
public sealed class PanelFanOutTests(SqliteSiloFixture fixture) : PanelTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task ABotDeniedViewByAnOverride_NeverReceivesThatChannelsMessageEditDeleteOrReactionEvents()
    {
        var (owner, panel, insider, outsider, hidden, role) = await InsiderAndOutsiderAsync();
        await using var insiderSocket = await insider.ConnectReadyAsync();
        await using var outsiderSocket = await outsider.ConnectReadyAsync();

        var message = await PostInChannelAsync(owner, panel, hidden, "for insiders only");
        var id = message.Str("id");
        (await insider.PostAsync($"/api/messages/{id}/reactions", new { emoji = "👀" })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent);
        (await owner.PatchAsync($"/api/messages/{id}", new { text = "for insiders only (edited)" })).Expect(HttpStatusCode.OK);
        (await insider.DeleteAsync($"/api/messages/{id}/reactions/{Uri.EscapeDataString("👀")}")).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.NoContent);
        (await owner.DeleteAsync($"/api/messages/{id}")).Expect(HttpStatusCode.NoContent);

        await insiderSocket.NextEventAsync("panel_message", MessageNewWithId(id), what: "the hidden channel's message for a member allowed to view it");
        await insiderSocket.NextEventAsync("reaction_added", e => e.Payload.Str("message_id") == id, what: "reaction_added");
        await insiderSocket.NextEventAsync("message_edited", MessageNewWithId(id), what: "message_edited");
        await insiderSocket.NextEventAsync("reaction_removed", e => e.Payload.Str("message_id") == id, what: "reaction_removed");
        await insiderSocket.NextEventAsync("message_deleted", e => e.Payload.Str("message_id") == id, what: "message_deleted");
        await AssertNothingBeforeMarkerAsync(outsiderSocket, owner, panel, panel.GeneralId, AnyEventOfChannel(hidden),
            "any event of the channel it may not view");
    }

    [Fact]
    public async Task TheHiddenChannel_Answers404ToRest_ForReadingSendingReactingAndMarkingRead()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var outsider = bots[0];
        var hidden = await CreateHiddenChannelAsync(owner, panel);
        var message = await PostInChannelAsync(owner, panel, hidden, "secret");

        var read = await outsider.GetAsync(panel.MessagesPath(hidden));
        var send = await outsider.PostAsync(panel.MessagesPath(hidden), new { text = "let me in" });
        var react = await outsider.PostAsync($"/api/messages/{message.Str("id")}/reactions", new { emoji = "🚪" });
        var markRead = await outsider.PostAsync($"{panel.ChannelPath(hidden)}/read");

        foreach (var response in new[] { read, send, react, markRead })
        {
            response.ExpectError(HttpStatusCode.NotFound);
        }

        var messages = await ChannelMessagesAsync(owner, panel, hidden);
        var only = Assert.Single(messages);
        Assert.Empty(only.Items("reactions"));
    }

    [Fact]
    public async Task AChannelLevelSendDeny_Answers403MissingSendMessages_WhileARoleAllowStillSends()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);
        var (speaker, muted) = (bots[0], bots[1]);
        var role = await GiveRoleAsync(owner, panel, speaker, 1);
        (await PutOverrideAsync(owner, panel, panel.GeneralId, "everyone", NoPermissions, ["send_messages"])).Expect(HttpStatusCode.OK);
        (await PutOverrideAsync(owner, panel, panel.GeneralId, role, ["send_messages"], NoPermissions)).Expect(HttpStatusCode.OK);

        var refused = await muted.PostAsync(panel.MessagesPath(panel.GeneralId), new { text = "muted speaks" });
        var allowed = await speaker.PostAsync(panel.MessagesPath(panel.GeneralId), new { text = "speaker speaks" });

        Assert.Equal("missing permission: send_messages", refused.ExpectError(HttpStatusCode.Forbidden));
        allowed.Expect(HttpStatusCode.Created);
        var texts = (await ChannelMessagesAsync(muted, panel, panel.GeneralId)).Select(m => m.Str("text")).ToArray();
        Assert.Contains("speaker speaks", texts);
        Assert.DoesNotContain("muted speaks", texts);
    }

    [Fact]
    public async Task GivingARoleThatMayView_DeliversTheNextMessage_AndTakingTheRoleAwayStopsTheNextOne()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var bot = bots[0];
        var hidden = await CreateHiddenChannelAsync(owner, panel);
        var role = (await CreateRoleAsync(owner, panel, "insider", 1)).Str("id");
        (await PutOverrideAsync(owner, panel, hidden, role, ["view_channel"], NoPermissions)).Expect(HttpStatusCode.OK);
        await using var socket = await bot.ConnectReadyAsync();

        await AssignRoleAsync(owner, panel, bot.Id, role);
        var granted = await PostInChannelAsync(owner, panel, hidden, "after the grant");
        await socket.NextEventAsync("panel_message", MessageNewWithId(granted.Str("id")), what: "the first message after the role was given");

        (await owner.DeleteAsync($"{panel.Path}/members/{bot.Id}/roles/{role}")).Expect(HttpStatusCode.NoContent);
        var revoked = await PostInChannelAsync(owner, panel, hidden, "after the revoke");

        await AssertNothingBeforeMarkerAsync(socket, owner, panel, panel.GeneralId,
            e => e.Type == "panel_message" && e.Payload.Prop("message").Str("id") == revoked.Str("id"), "the message sent after the role was taken away");
        (await bot.GetAsync(panel.MessagesPath(hidden))).ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnOverrideTakingViewAway_StopsTheNextMessage_AndDeletingTheOverrideDeliversTheNextOneAgain()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var bot = bots[0];
        var channel = (await CreateChannelAsync(owner, panel, "flicker")).Str("id");
        await using var socket = await bot.ConnectReadyAsync();
        var before = await PostInChannelAsync(owner, panel, channel, "visible");
        await socket.NextEventAsync("panel_message", MessageNewWithId(before.Str("id")), what: "a message of a channel it can view");

        (await PutOverrideAsync(owner, panel, channel, "everyone", NoPermissions, ["view_channel"])).Expect(HttpStatusCode.OK);
        var hidden = await PostInChannelAsync(owner, panel, channel, "hidden now");
        await AssertNothingBeforeMarkerAsync(socket, owner, panel, panel.GeneralId,
            e => e.Type == "panel_message" && e.Payload.Prop("message").Str("id") == hidden.Str("id"), "the message sent after view was denied");

        (await owner.DeleteAsync($"{panel.ChannelPath(channel)}/overrides/everyone")).Expect(HttpStatusCode.NoContent);
        var again = await PostInChannelAsync(owner, panel, channel, "visible again");
        await socket.NextEventAsync("panel_message", MessageNewWithId(again.Str("id")), what: "the first message after the override was deleted");
    }

    [Fact]
    public async Task ARoleOverrideDenyingView_HidesTheChannelFromThatRolesMembersOnly()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);
        var (shunned, other) = (bots[0], bots[1]);
        var role = await GiveRoleAsync(owner, panel, shunned, 1, "manage_messages");
        (await PutOverrideAsync(owner, panel, panel.GeneralId, role, NoPermissions, ["view_channel"])).Expect(HttpStatusCode.OK);
        var visible = (await CreateChannelAsync(owner, panel, "lobby")).Str("id");
        await using var shunnedSocket = await shunned.ConnectReadyAsync();
        await using var otherSocket = await other.ConnectReadyAsync();

        var message = await PostInChannelAsync(owner, panel, panel.GeneralId, "not for the role");

        await otherSocket.NextEventAsync("panel_message", MessageNewWithId(message.Str("id")), what: "the message for a member without the role");
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        await PostInChannelAsync(owner, panel, visible, marker);
        await shunnedSocket.AssertNoneBeforeAsync(AnyEventOfChannel(panel.GeneralId), "panel_message", PanelMessageWithText(marker),
            "any event of the channel its role may not view");
        (await shunned.GetAsync(panel.MessagesPath(panel.GeneralId))).ExpectError(HttpStatusCode.NotFound);
        Assert.Equal([visible], (await ChannelsAsync(shunned, panel)).Select(c => c.Str("id")));
    }

    [Fact]
    public async Task AMemberLosingSightOfAChannel_GetsPanelChannelDeleted_ThenNothingMore_AndRegainingItGetsPanelChannelCreated()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var bot = bots[0];
        var textCategory = (await GetPanelAsync(owner, panel)).Items("categories")[0].Str("id");
        var channel = (await CreateChannelAsync(owner, panel, "fading", textCategory)).Str("id");
        await using var socket = await bot.ConnectReadyAsync();
        await using var ownerSocket = await owner.ConnectReadyAsync();

        (await PutOverrideAsync(owner, panel, channel, "everyone", NoPermissions, ["view_channel"])).Expect(HttpStatusCode.OK);
        // API.md section 8: panel_channel_updated goes to members who can view the channel; for the member who just lost
        // it, the channel is gone: panel_channel_deleted. The owner, who still sees it, gets the update.
        await socket.NextEventAsync("panel_channel_deleted", e => e.Payload.Str("channel_id") == channel, what: "panel_channel_deleted: the channel is gone from view");
        await ownerSocket.NextEventAsync("panel_channel_updated", e => e.Payload.Str("id") == channel, what: "panel_channel_updated to the owner, who still views it");
        Assert.DoesNotContain(socket.ReceivedOf("panel_channel_updated"), e => e.Payload.Str("id") == channel);
        Assert.DoesNotContain(channel, (await GetPanelAsync(bot, panel)).Items("categories").SelectMany(c => c.Strings("channel_ids")));
        (await owner.PatchAsync(panel.ChannelPath(channel), new { topic = "after it left" })).Expect(HttpStatusCode.OK);

        await AssertNothingBeforeMarkerAsync(socket, owner, panel, panel.GeneralId,
            e => e.Type == "panel_channel_updated" && e.Payload.Str("id") == channel && e.Payload.Str("topic") == "after it left",
            "panel_channel_updated of a channel it can no longer view");

        (await owner.DeleteAsync($"{panel.ChannelPath(channel)}/overrides/everyone")).Expect(HttpStatusCode.NoContent);
        await socket.NextEventAsync("panel_channel_created", e => e.Payload.Str("id") == channel, what: "panel_channel_created: the channel is back in view");
        Assert.Contains(channel, (await GetPanelAsync(bot, panel)).Items("categories").SelectMany(c => c.Strings("channel_ids")));
    }

    [Fact]
    public async Task GivingAMemberARoleThatUnlocksAChannel_SendsItPanelChannelCreated_AndTakingItAwaySendsPanelChannelDeleted()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var bot = bots[0];
        var vip = (await CreateRoleAsync(owner, panel, "vip", 1)).Str("id");
        var lounge = (await CreateChannelAsync(owner, panel, "lounge")).Str("id");
        (await PutOverrideAsync(owner, panel, lounge, "everyone", NoPermissions, ["view_channel"])).Expect(HttpStatusCode.OK);
        (await PutOverrideAsync(owner, panel, lounge, vip, ["view_channel"], NoPermissions)).Expect(HttpStatusCode.OK);
        await using var socket = await bot.ConnectReadyAsync();

        await AssignRoleAsync(owner, panel, bot.Id, vip);
        await socket.NextEventAsync("panel_channel_created", e => e.Payload.Str("id") == lounge, what: "panel_channel_created when the role unlocks the channel");

        (await owner.DeleteAsync($"{panel.Path}/members/{bot.Id}/roles/{vip}")).Expect(HttpStatusCode.NoContent);
        await socket.NextEventAsync("panel_channel_deleted", e => e.Payload.Str("channel_id") == lounge, what: "panel_channel_deleted when the role is taken away");
    }

    [Fact]
    public async Task ThePanelObject_ListsOnlyTheChannelsTheCallerCanView_InGetAndInPanelUpdated()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var bot = bots[0];
        var textCategory = (await GetPanelAsync(owner, panel)).Items("categories")[0].Str("id");
        var hidden = (await CreateChannelAsync(owner, panel, "secret", textCategory)).Str("id");
        (await PutOverrideAsync(owner, panel, hidden, "everyone", NoPermissions, ["view_channel"])).Expect(HttpStatusCode.OK);
        await using var botSocket = await bot.ConnectReadyAsync();
        await using var ownerSocket = await owner.ConnectReadyAsync();

        // API.md section 1: never reveal the existence of what the caller cannot view.
        Assert.DoesNotContain(hidden, (await GetPanelAsync(bot, panel)).Items("categories").SelectMany(c => c.Strings("channel_ids")));
        Assert.Contains(hidden, (await GetPanelAsync(owner, panel)).Items("categories").SelectMany(c => c.Strings("channel_ids")));

        (await owner.PatchAsync(panel.Path, new { name = "renamed" })).Expect(HttpStatusCode.OK);
        var botView = await botSocket.NextEventAsync("panel_updated", e => e.Payload.Str("name") == "renamed", what: "panel_updated after the rename");
        var ownerView = await ownerSocket.NextEventAsync("panel_updated", e => e.Payload.Str("name") == "renamed", what: "panel_updated after the rename");
        Assert.DoesNotContain(hidden, botView.Payload.Items("categories").SelectMany(c => c.Strings("channel_ids")));
        Assert.Contains(hidden, ownerView.Payload.Items("categories").SelectMany(c => c.Strings("channel_ids")));
    }

    [Fact]
    public async Task AnAdministrator_ReceivesAndReadsAChannelDeniedToEveryoneAndToItsOwnRole()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var admin = bots[0];
        var hidden = await CreateHiddenChannelAsync(owner, panel);
        var role = await GiveRoleAsync(owner, panel, admin, 1, "administrator");
        (await PutOverrideAsync(owner, panel, hidden, role, NoPermissions, ["view_channel", "send_messages"])).Expect(HttpStatusCode.OK);
        await using var socket = await admin.ConnectReadyAsync();

        var message = await PostInChannelAsync(owner, panel, hidden, "admins see all");

        await socket.NextEventAsync("panel_message", MessageNewWithId(message.Str("id")), what: "the hidden channel's message for an administrator");
        Assert.Contains(await ChannelMessagesAsync(admin, panel, hidden), m => m.Str("id") == message.Str("id"));
        await PostInChannelAsync(admin, panel, hidden, "and may speak");
    }
}
