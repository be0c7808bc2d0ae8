namespace Circul.Silo.Tests.Panels;

/// <summary>API.md section 6: creating, listing, reading, renaming and deleting panels; the member list.</summary>
public sealed class PanelsTests(SqliteSiloFixture fixture) : PanelTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task CreatePanel_ByAHuman_Returns201WithATextCategoryAGeneralChannelAndTheCreatorAsOwner()
    {
        var owner = await NewHumanAsync();

        var response = await owner.PostAsync("/api/panels", new { name = "  Bot Lab  " });

        var panel = response.Expect(HttpStatusCode.Created).Json;
        PanelShapes.AssertPanel(panel);
        Assert.Equal("Bot Lab", panel.Str("name"));
        Assert.Equal(owner.Id, panel.Str("creator_id"));
        Assert.Equal([owner.Id], panel.Strings("member_ids"));
        Assert.Equal(1, panel.Long("member_count"));
        Assert.Empty(panel.Items("roles"));
        Assert.Equal(EveryoneDefaults.Order(), panel.Strings("everyone_permissions").Order());
        var category = Assert.Single(panel.Items("categories"));
        Assert.Equal("Text", category.Str("name"));
        var channelId = Assert.Single(category.Strings("channel_ids"));
        var channel = Assert.Single(await ChannelsAsync(owner, new PanelRef(panel.Str("id"), channelId, category.Str("id"), panel)));
        PanelShapes.AssertChannel(channel, panel.Str("id"));
        Assert.Equal(channelId, channel.Str("id"));
        Assert.Equal("general", channel.Str("name"));
        Assert.Equal(category.Str("id"), channel.NullableStr("category_id"));
        Assert.Empty(channel.Items("overrides"));
    }

    [Fact]
    public async Task CreatePanel_ByABot_Returns403AndCreatesNothing()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);

        var response = await bot.PostAsync("/api/panels", new { name = "bots may not" });

        response.ExpectError(HttpStatusCode.Forbidden);
        Assert.Empty((await bot.GetAsync("/api/panels")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Fact]
    public async Task ListPanels_ReturnsOnlyThePanelsTheCallerIsIn()
    {
        var owner = await NewHumanAsync();
        var first = await CreatePanelAsync(owner);
        var second = await CreatePanelAsync(owner);
        var bot = await NewBotAsync(owner);
        var outsider = await NewBotAsync(owner);
        await AddBotAsync(owner, first, bot);

        var ownersList = (await owner.GetAsync("/api/panels")).Expect(HttpStatusCode.OK).Json;
        var botsList = (await bot.GetAsync("/api/panels")).Expect(HttpStatusCode.OK).Json;
        var outsidersList = (await outsider.GetAsync("/api/panels")).Expect(HttpStatusCode.OK).Json;

        Assert.Equal(new[] { first.Id, second.Id }.Order(), ownersList.Ids().Order());
        Assert.Equal([first.Id], botsList.Ids());
        PanelShapes.AssertPanel(botsList.Items()[0]);
        Assert.Empty(outsidersList.Items());
    }

    [Fact]
    public async Task GetPanel_AsAMember_ReturnsIt_AndANonMemberGetsThe404OfAPanelThatDoesNotExist()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var outsider = await NewBotAsync(owner);

        var asMember = await bots[0].GetAsync(panel.Path);
        var asOutsider = await outsider.GetAsync(panel.Path);
        var unknown = await outsider.GetAsync("/api/panels/panel-doesnotexist");

        var fetched = asMember.Expect(HttpStatusCode.OK).Json;
        Assert.Equal(panel.Id, fetched.Str("id"));
        Assert.Equal(new[] { owner.Id, bots[0].Id }.Order(), fetched.Strings("member_ids").Order());
        Assert.Equal(2, fetched.Long("member_count"));
        var hidden = asOutsider.ExpectError(HttpStatusCode.NotFound);
        Assert.Equal(unknown.ExpectError(HttpStatusCode.NotFound), hidden);
    }

    [Fact]
    public async Task PatchPanel_WithManagePanel_RenamesIt_AndEveryMemberGetsPanelUpdated()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);
        var (manager, watcher) = (bots[0], bots[1]);
        await GiveRoleAsync(owner, panel, manager, 1, "manage_panel");
        await using var watcherSocket = await watcher.ConnectReadyAsync();
        await using var ownerSocket = await owner.ConnectReadyAsync();

        var response = await manager.PatchAsync(panel.Path, new { name = "Renamed" });

        Assert.Equal("Renamed", response.Expect(HttpStatusCode.OK).Json.Str("name"));
        var updated = await watcherSocket.NextEventAsync("panel_updated", e => e.Payload.Str("id") == panel.Id && e.Payload.Str("name") == "Renamed",
            what: "panel_updated carrying the new name");
        PanelShapes.AssertPanel(updated.Payload);
        await ownerSocket.NextEventAsync("panel_updated", e => e.Payload.Str("name") == "Renamed", what: "panel_updated for the owner");
        Assert.Equal("Renamed", (await GetPanelAsync(watcher, panel)).Str("name"));
    }

    [Fact]
    public async Task PatchPanel_WithoutManagePanel_Returns403NamingIt_AndChangesNothing()
    {
        var (_, panel, bots) = await PanelWithBotsAsync(1);
        var before = await GetPanelAsync(bots[0], panel);

        var response = await bots[0].PatchAsync(panel.Path, new { name = "hijacked" });

        Assert.Equal("missing permission: manage_panel", response.ExpectError(HttpStatusCode.Forbidden));
        Assert.Equal(before.Str("name"), (await GetPanelAsync(bots[0], panel)).Str("name"));
    }

    [Fact]
    public async Task PatchPanel_WithAnEmptyBody_ByAMemberWithoutManagePanel_Returns403_AndBroadcastsNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        await using var ownerSocket = await owner.ConnectReadyAsync();

        var response = await bots[0].PatchAsync(panel.Path, new { });

        Assert.Equal("missing permission: manage_panel", response.ExpectError(HttpStatusCode.Forbidden));
        await AssertNothingBeforeMarkerAsync(ownerSocket, bots[0], panel, panel.GeneralId,
            e => e.Type == "panel_updated", "panel_updated caused by a member without manage_panel");
    }

    [Fact]
    public async Task PatchPanel_EveryonePermissions_ChangeWhatEveryMemberWithoutRolesMayDo()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);

        var response = await owner.PatchAsync(panel.Path, new { everyone_permissions = new[] { "view_channel", "read_message_history" } });

        Assert.Equal(new[] { "read_message_history", "view_channel" }, response.Expect(HttpStatusCode.OK).Json.Strings("everyone_permissions").Order());
        var send = await bots[0].PostAsync(panel.MessagesPath(panel.GeneralId), new { text = "may I?" });
        Assert.Equal("missing permission: send_messages", send.ExpectError(HttpStatusCode.Forbidden));
        Assert.DoesNotContain(await ChannelMessagesAsync(owner, panel, panel.GeneralId), m => m.Str("text") == "may I?");
    }

    [Fact]
    public async Task PatchPanel_EveryonePermissions_ByAMemberWithManageRolesButNotManagePanel_Returns403_AndChangesNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        await GiveRoleAsync(owner, panel, bots[0], 1, "manage_roles", "view_channel");

        var response = await bots[0].PatchAsync(panel.Path, new { everyone_permissions = new[] { "view_channel" } });

        Assert.Equal("missing permission: manage_panel", response.ExpectError(HttpStatusCode.Forbidden));
        Assert.Equal(EveryoneDefaults.Order(), (await GetPanelAsync(owner, panel)).Strings("everyone_permissions").Order());
    }

    [Fact]
    public async Task DeletePanel_ByTheOwner_Returns204_FormerMembersGetPanelDeleted_AndThePanelIsGoneEverywhere()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        await using var botSocket = await bots[0].ConnectReadyAsync();

        var response = await owner.DeleteAsync(panel.Path);

        response.Expect(HttpStatusCode.NoContent);
        var deleted = await botSocket.NextEventAsync("panel_deleted", ForPanel(panel), what: "panel_deleted for the former member");
        Assert.Equal(panel.Id, deleted.Payload.Str("panel_id"));
        (await owner.GetAsync(panel.Path)).ExpectError(HttpStatusCode.NotFound);
        (await bots[0].GetAsync(panel.MessagesPath(panel.GeneralId))).ExpectError(HttpStatusCode.NotFound);
        Assert.Empty((await owner.GetAsync("/api/panels")).Expect(HttpStatusCode.OK).Json.Items());
        Assert.Empty((await bots[0].GetAsync("/api/panels")).Expect(HttpStatusCode.OK).Json.Items());
    }

    [Fact]
    public async Task DeletePanel_ByAnAdministratorWhoIsNotTheOwner_Returns403_AndThePanelStays()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        await GiveRoleAsync(owner, panel, bots[0], 1, "administrator");

        var response = await bots[0].DeleteAsync(panel.Path);

        response.ExpectError(HttpStatusCode.Forbidden);
        Assert.Equal(panel.Id, (await GetPanelAsync(bots[0], panel)).Str("id"));
    }

    [Fact]
    public async Task ListMembers_ReturnsEveryMemberWithTheirRoleIds()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);
        var roleId = await GiveRoleAsync(owner, panel, bots[0], 1, "manage_messages");

        var members = (await bots[1].GetAsync($"{panel.Path}/members")).Expect(HttpStatusCode.OK).Json.Items();

        Assert.Equal(new[] { owner.Id, bots[0].Id, bots[1].Id }.Order(), members.Select(m => m.Str("id")).Order());
        foreach (var member in members)
        {
            PanelShapes.AssertMember(member);
        }

        var withRole = members.Single(m => m.Str("id") == bots[0].Id);
        Assert.Equal([roleId], withRole.Strings("role_ids"));
        Assert.True(withRole.Bool("is_bot"));
        Assert.Equal(owner.Id, withRole.NullableStr("owner_id"));
        Assert.Empty(members.Single(m => m.Str("id") == bots[1].Id).Strings("role_ids"));
        Assert.False(members.Single(m => m.Str("id") == owner.Id).Bool("is_bot"));
    }
}
