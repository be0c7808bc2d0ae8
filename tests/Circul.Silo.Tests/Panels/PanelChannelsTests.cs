namespace Circul.Silo.Tests.Panels;

/// <summary>API.md section 6: channels (only viewable ones listed, unread counts), categories and overrides, with
/// their events reaching only members who can view the channel.</summary>
public sealed class PanelChannelsTests(SqliteSiloFixture fixture) : PanelTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task ListChannels_ShowsOnlyTheChannelsTheCallerCanView()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var hidden = await CreateHiddenChannelAsync(owner, panel);

        var ownersView = await ChannelsAsync(owner, panel);
        var botsView = await ChannelsAsync(bots[0], panel);

        Assert.Equal(new[] { panel.GeneralId, hidden }.Order(), ownersView.Select(c => c.Str("id")).Order());
        Assert.Equal([panel.GeneralId], botsView.Select(c => c.Str("id")));
    }

    [Fact]
    public async Task UnreadCount_CountsMessagesByOthersSinceTheCallersReadMarker_AndMarkingReadResetsItToZero()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var reader = bots[0];
        (await reader.PostAsync($"{panel.ChannelPath(panel.GeneralId)}/read")).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.NoContent);
        Assert.Equal(0, Unread(await ChannelsAsync(reader, panel), panel.GeneralId));

        await PostInChannelAsync(owner, panel, panel.GeneralId, "one");
        await PostInChannelAsync(reader, panel, panel.GeneralId, "my own does not count");
        await PostInChannelAsync(owner, panel, panel.GeneralId, "two");
        var beforeRead = Unread(await ChannelsAsync(reader, panel), panel.GeneralId);
        var read = await reader.PostAsync($"{panel.ChannelPath(panel.GeneralId)}/read");
        var afterRead = Unread(await ChannelsAsync(reader, panel), panel.GeneralId);
        await PostInChannelAsync(owner, panel, panel.GeneralId, "three");
        var afterOneMore = Unread(await ChannelsAsync(reader, panel), panel.GeneralId);

        Assert.Equal(2, beforeRead);
        read.ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.NoContent);
        Assert.Equal(0, afterRead);
        Assert.Equal(1, afterOneMore);
    }

    [Fact]
    public async Task MarkRead_InAChannelTheCallerCannotView_Returns404()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var hidden = await CreateHiddenChannelAsync(owner, panel);

        var response = await bots[0].PostAsync($"{panel.ChannelPath(hidden)}/read");

        response.ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CreateChannel_WithManageChannels_Returns201InTheCategory_AndMembersGetPanelChannelCreated()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);
        await GiveRoleAsync(owner, panel, bots[0], 1, "manage_channels");
        await using var watcher = await bots[1].ConnectReadyAsync();

        var response = await bots[0].PostAsync($"{panel.Path}/channels", new { name = "lab", category_id = panel.TextCategoryId, topic = "experiments" });

        var channel = response.Expect(HttpStatusCode.Created).Json;
        PanelShapes.AssertChannel(channel, panel.Id);
        Assert.Equal("lab", channel.Str("name"));
        Assert.Equal("experiments", channel.Str("topic"));
        Assert.Equal(panel.TextCategoryId, channel.NullableStr("category_id"));
        var created = await watcher.NextEventAsync("panel_channel_created", e => e.Payload.Str("id") == channel.Str("id"),
            what: "panel_channel_created for the new channel");
        PanelShapes.AssertChannel(created.Payload, panel.Id);
        var text = (await GetPanelAsync(bots[1], panel)).Items("categories").Single(c => c.Str("id") == panel.TextCategoryId);
        Assert.Equal([panel.GeneralId, channel.Str("id")], text.Strings("channel_ids"));
        Assert.Contains(channel.Str("id"), (await ChannelsAsync(bots[1], panel)).Select(c => c.Str("id")));
    }

    [Fact]
    public async Task CreateChannel_WithoutManageChannels_Returns403NamingIt_AndCreatesNothing()
    {
        var (_, panel, bots) = await PanelWithBotsAsync(1);

        var response = await bots[0].PostAsync($"{panel.Path}/channels", new { name = "mine" });

        Assert.Equal("missing permission: manage_channels", response.ExpectError(HttpStatusCode.Forbidden));
        Assert.Single(await ChannelsAsync(bots[0], panel));
    }

    [Fact]
    public async Task PatchChannel_ChangesNameAndTopic_ViewersGetPanelChannelUpdated_AndAMemberWhoCannotViewItGetsNothing()
    {
        var (owner, panel, insider, outsider, hidden, role) = await InsiderAndOutsiderAsync();
        await using var insiderSocket = await insider.ConnectReadyAsync();
        await using var outsiderSocket = await outsider.ConnectReadyAsync();

        var response = await owner.PatchAsync(panel.ChannelPath(hidden), new { name = "plans", topic = "world domination" });

        var updated = response.Expect(HttpStatusCode.OK).Json;
        Assert.Equal("plans", updated.Str("name"));
        Assert.Equal("world domination", updated.Str("topic"));
        var seen = await insiderSocket.NextEventAsync("panel_channel_updated", e => e.Payload.Str("id") == hidden && e.Payload.Str("topic") == "world domination",
            what: "panel_channel_updated with the new topic");
        PanelShapes.AssertChannel(seen.Payload, panel.Id);
        await AssertNothingBeforeMarkerAsync(outsiderSocket, owner, panel, panel.GeneralId,
            e => e.Type.StartsWith("panel_channel_", StringComparison.Ordinal) && e.Payload.Has("id") && e.Payload.Str("id") == hidden,
            "panel_channel_updated of a channel it cannot view");
        Assert.Equal("plans", (await ChannelsAsync(insider, panel)).Single(c => c.Str("id") == hidden).Str("name"));
    }

    [Fact]
    public async Task PatchChannel_ThatTheCallerCannotView_Returns404_EvenWithManageChannels()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var hidden = await CreateHiddenChannelAsync(owner, panel, "vault");
        await GiveRoleAsync(owner, panel, bots[0], 1, "manage_channels");

        var response = await bots[0].PatchAsync(panel.ChannelPath(hidden), new { name = "opened" });

        response.ExpectError(HttpStatusCode.NotFound);
        Assert.Equal("vault", (await ChannelsAsync(owner, panel)).Single(c => c.Str("id") == hidden).Str("name"));
    }

    [Fact]
    public async Task DeleteChannel_Returns204_OnlyViewersGetPanelChannelDeleted_AndItsMessagesAreGone()
    {
        var (owner, panel, insider, outsider, hidden, role) = await InsiderAndOutsiderAsync();
        await PostInChannelAsync(insider, panel, hidden, "soon gone");
        await using var insiderSocket = await insider.ConnectReadyAsync();
        await using var outsiderSocket = await outsider.ConnectReadyAsync();

        var response = await owner.DeleteAsync(panel.ChannelPath(hidden));

        response.Expect(HttpStatusCode.NoContent);
        var deleted = await insiderSocket.NextEventAsync("panel_channel_deleted", e => e.Payload.Str("channel_id") == hidden,
            what: "panel_channel_deleted for the channel");
        Assert.Equal(panel.Id, deleted.Payload.Str("panel_id"));
        await AssertNothingBeforeMarkerAsync(outsiderSocket, owner, panel, panel.GeneralId,
            e => e.Type == "panel_channel_deleted", "panel_channel_deleted of a channel it could not view");
        Assert.DoesNotContain(hidden, (await ChannelsAsync(owner, panel)).Select(c => c.Str("id")));
        (await insider.GetAsync(panel.MessagesPath(hidden))).ExpectError(HttpStatusCode.NotFound);
        Assert.DoesNotContain(hidden, (await GetPanelAsync(owner, panel)).Items("categories").SelectMany(c => c.Strings("channel_ids")));
    }

    [Fact]
    public async Task DeleteChannel_TheLastTextChannel_Returns400_AndKeepsIt()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);

        var response = await owner.DeleteAsync(panel.ChannelPath(panel.GeneralId));

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Equal([panel.GeneralId], (await ChannelsAsync(owner, panel)).Select(c => c.Str("id")));
        await PostInChannelAsync(owner, panel, panel.GeneralId, "still here");
    }

    [Fact]
    public async Task Categories_CreateRenameAndDelete_EachEmitPanelUpdated_AndDeletingOneLeavesItsChannelsWithoutACategory()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        await using var watcher = await bots[0].ConnectReadyAsync();

        var created = (await owner.PostAsync($"{panel.Path}/categories", new { name = "Voice-ish" })).Expect(HttpStatusCode.Created).Json;
        var categoryId = created.Str("id");
        Assert.StartsWith("cat-", categoryId, StringComparison.Ordinal);
        Assert.Equal("Voice-ish", created.Str("name"));
        Assert.Empty(created.Items("channel_ids"));
        await watcher.NextEventAsync("panel_updated", e => e.Payload.Items("categories").Any(c => c.Str("id") == categoryId),
            what: "panel_updated with the new category");

        var renamed = (await owner.PatchAsync($"{panel.Path}/categories/{categoryId}", new { name = "Lounges" })).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("Lounges", renamed.Str("name"));
        await watcher.NextEventAsync("panel_updated", e => e.Payload.Items("categories").Any(c => c.Str("id") == categoryId && c.Str("name") == "Lounges"),
            what: "panel_updated with the renamed category");

        var channelId = (await CreateChannelAsync(owner, panel, "lounge", categoryId)).Str("id");
        (await owner.DeleteAsync($"{panel.Path}/categories/{categoryId}")).Expect(HttpStatusCode.NoContent);
        await watcher.NextEventAsync("panel_updated", e => e.Payload.Items("categories").All(c => c.Str("id") != categoryId),
            what: "panel_updated without the deleted category");

        Assert.Null((await ChannelsAsync(owner, panel)).Single(c => c.Str("id") == channelId).NullableStr("category_id"));
        Assert.DoesNotContain((await GetPanelAsync(owner, panel)).Items("categories"), c => c.Str("id") == categoryId);
    }

    [Fact]
    public async Task Categories_WithoutManageChannels_Return403NamingIt_AndChangeNothing()
    {
        var (_, panel, bots) = await PanelWithBotsAsync(1);

        var create = await bots[0].PostAsync($"{panel.Path}/categories", new { name = "mine" });
        var rename = await bots[0].PatchAsync($"{panel.Path}/categories/{panel.TextCategoryId}", new { name = "mine" });
        var delete = await bots[0].DeleteAsync($"{panel.Path}/categories/{panel.TextCategoryId}");

        Assert.Equal("missing permission: manage_channels", create.ExpectError(HttpStatusCode.Forbidden));
        Assert.Equal("missing permission: manage_channels", rename.ExpectError(HttpStatusCode.Forbidden));
        Assert.Equal("missing permission: manage_channels", delete.ExpectError(HttpStatusCode.Forbidden));
        var category = Assert.Single((await GetPanelAsync(bots[0], panel)).Items("categories"));
        Assert.Equal("Text", category.Str("name"));
    }

    [Fact]
    public async Task PutOverride_Returns200WithTheOverride_EmitsPanelChannelUpdated_AndDeleteOverrideRemovesIt()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        await using var watcher = await bots[0].ConnectReadyAsync();

        var put = await PutOverrideAsync(owner, panel, panel.GeneralId, "everyone", ["mention_everyone"], ["add_reactions"]);

        var channel = put.Expect(HttpStatusCode.OK).Json;
        var o = Assert.Single(channel.Items("overrides"));
        Assert.Equal("everyone", o.Str("role_id"));
        Assert.Equal(["mention_everyone"], o.Strings("allow"));
        Assert.Equal(["add_reactions"], o.Strings("deny"));
        await watcher.NextEventAsync("panel_channel_updated", e => e.Payload.Str("id") == panel.GeneralId && e.Payload.Items("overrides").Length == 1,
            what: "panel_channel_updated with the override");

        var delete = await owner.DeleteAsync($"{panel.ChannelPath(panel.GeneralId)}/overrides/everyone");

        delete.Expect(HttpStatusCode.NoContent);
        await watcher.NextEventAsync("panel_channel_updated", e => e.Payload.Str("id") == panel.GeneralId && e.Payload.Items("overrides").Length == 0,
            what: "panel_channel_updated without the override");
        Assert.Empty(Assert.Single(await ChannelsAsync(owner, panel)).Items("overrides"));
    }

    [Fact]
    public async Task PutOverride_WithoutManageRoles_Returns403NamingIt_AndAddsNoOverride()
    {
        var (_, panel, bots) = await PanelWithBotsAsync(1);

        var response = await PutOverrideAsync(bots[0], panel, panel.GeneralId, "everyone", ["mention_everyone"], NoPermissions);

        Assert.Equal("missing permission: manage_roles", response.ExpectError(HttpStatusCode.Forbidden));
        Assert.Empty(Assert.Single(await ChannelsAsync(bots[0], panel)).Items("overrides"));
    }

    [Fact]
    public async Task MarkRead_AfterASystemMessageAnnouncingAJoin_ResetsTheUnreadCountToZero()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var reader = bots[0];
        await PostInChannelAsync(reader, panel, panel.GeneralId, "I was here first");
        (await reader.PostAsync($"{panel.ChannelPath(panel.GeneralId)}/read")).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.NoContent);
        await AddBotAsync(owner, panel, await NewBotAsync(owner));
        Assert.Equal(1, Unread(await ChannelsAsync(reader, panel), panel.GeneralId));

        var read = await reader.PostAsync($"{panel.ChannelPath(panel.GeneralId)}/read");

        read.ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.NoContent);
        Assert.Equal(0, Unread(await ChannelsAsync(reader, panel), panel.GeneralId));
    }

    [Fact]
    public async Task ListMessages_WhereReadMessageHistoryIsDenied_Returns403NamingIt_ButTheChannelIsStillListed()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        (await PutOverrideAsync(owner, panel, panel.GeneralId, "everyone", NoPermissions, ["read_message_history"])).Expect(HttpStatusCode.OK);

        var response = await bots[0].GetAsync(panel.MessagesPath(panel.GeneralId));

        Assert.Equal("missing permission: read_message_history", response.ExpectError(HttpStatusCode.Forbidden));
        Assert.Equal([panel.GeneralId], (await ChannelsAsync(bots[0], panel)).Select(c => c.Str("id")));
    }

    [Fact]
    public async Task PanelChannelCreated_DoesNotReachAMemberWhoCannotViewTheNewChannel()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);
        var (viewer, blind) = (bots[0], bots[1]);
        await GiveRoleAsync(owner, panel, viewer, 1, "view_channel");
        (await owner.PatchAsync(panel.Path, new { everyone_permissions = new[] { "send_messages", "read_message_history" } })).Expect(HttpStatusCode.OK);
        await using var viewerSocket = await viewer.ConnectReadyAsync();
        await using var blindSocket = await blind.ConnectReadyAsync();

        var channelId = (await CreateChannelAsync(owner, panel, "for-viewers")).Str("id");
        (await owner.PatchAsync(panel.Path, new { name = "after-create-marker" })).Expect(HttpStatusCode.OK);

        await viewerSocket.NextEventAsync("panel_channel_created", e => e.Payload.Str("id") == channelId, what: "panel_channel_created for a member who can view it");
        await blindSocket.AssertNoneBeforeAsync(e => e.Type == "panel_channel_created", "panel_updated",
            e => e.Payload.Str("id") == panel.Id && e.Payload.Str("name") == "after-create-marker",
            "panel_channel_created of a channel it cannot view");
        Assert.Empty(await ChannelsAsync(blind, panel));
    }

    [Fact]
    public async Task PatchChannel_MovingItToAnotherCategory_UpdatesBothCategories_AndEmitsPanelUpdated()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var categoryId = (await owner.PostAsync($"{panel.Path}/categories", new { name = "Archive" })).Expect(HttpStatusCode.Created).Json.Str("id");
        var channelId = (await CreateChannelAsync(owner, panel, "old-news", panel.TextCategoryId)).Str("id");
        await using var watcher = await bots[0].ConnectReadyAsync();

        var response = await owner.PatchAsync(panel.ChannelPath(channelId), new { category_id = categoryId });

        Assert.Equal(categoryId, response.Expect(HttpStatusCode.OK).Json.NullableStr("category_id"));
        await watcher.NextEventAsync("panel_updated",
            e => e.Payload.Items("categories").Any(c => c.Str("id") == categoryId && c.Strings("channel_ids").Contains(channelId)),
            what: "panel_updated with the channel in its new category");
        var categories = (await GetPanelAsync(owner, panel)).Items("categories");
        Assert.Equal([panel.GeneralId], categories.Single(c => c.Str("id") == panel.TextCategoryId).Strings("channel_ids"));
        Assert.Equal([channelId], categories.Single(c => c.Str("id") == categoryId).Strings("channel_ids"));
    }

    private static long Unread(JsonElement[] channels, string channelId) =>
        channels.Single(c => c.Str("id") == channelId).Long("unread_count");
}
