namespace Circul.Silo.Tests.Panels;

/// <summary>API.md sections 6 and 7: roles and member roles, managed only below the caller's highest role, with no way
/// to grant what one does not have.</summary>
public sealed class PanelRolesTests(SqliteSiloFixture fixture) : PanelTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task CreateRole_Returns201WithTheRole_AndMembersGetPanelUpdated()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        await using var watcher = await bots[0].ConnectReadyAsync();

        var response = await owner.PostAsync($"{panel.Path}/roles", new { name = "Moderator", color = "#e05252", position = 1, permissions = new[] { "manage_messages", "kick_members" } });

        var role = response.Expect(HttpStatusCode.Created).Json;
        PanelShapes.AssertRole(role);
        Assert.Equal("Moderator", role.Str("name"));
        Assert.Equal("#e05252", role.Str("color"));
        Assert.Equal(1, role.Long("position"));
        Assert.Equal(new[] { "kick_members", "manage_messages" }, role.Strings("permissions").Order());
        await watcher.NextEventAsync("panel_updated", e => e.Payload.Items("roles").Any(r => r.Str("id") == role.Str("id")),
            what: "panel_updated listing the new role");
        Assert.Contains((await GetPanelAsync(bots[0], panel)).Items("roles"), r => r.Str("id") == role.Str("id"));
    }

    [Fact]
    public async Task PatchRole_ChangesItsPermissions_WhichTakeEffectAtOnce_AndMembersGetPanelUpdated()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var roleId = await GiveRoleAsync(owner, panel, bots[0], 1, "manage_channels");
        (await bots[0].PostAsync($"{panel.Path}/channels", new { name = "allowed" })).Expect(HttpStatusCode.Created);
        await using var watcher = await bots[0].ConnectReadyAsync();

        var response = await owner.PatchAsync($"{panel.Path}/roles/{roleId}", new { name = "demoted", permissions = Array.Empty<string>() });

        var role = response.Expect(HttpStatusCode.OK).Json;
        Assert.Equal("demoted", role.Str("name"));
        Assert.Empty(role.Items("permissions"));
        await watcher.NextEventAsync("panel_updated", e => e.Payload.Items("roles").Any(r => r.Str("id") == roleId && r.Str("name") == "demoted"),
            what: "panel_updated with the changed role");
        var refused = await bots[0].PostAsync($"{panel.Path}/channels", new { name = "refused" });
        Assert.Equal("missing permission: manage_channels", refused.ExpectError(HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task DeleteRole_Returns204_TakesItFromMembersAndOverrides_AndTheirPermissionsWithIt()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var hidden = await CreateHiddenChannelAsync(owner, panel);
        var roleId = await GiveRoleAsync(owner, panel, bots[0], 1, "manage_channels");
        (await PutOverrideAsync(owner, panel, hidden, roleId, ["view_channel"], NoPermissions)).Expect(HttpStatusCode.OK);
        await using var watcher = await bots[0].ConnectReadyAsync();

        var response = await owner.DeleteAsync($"{panel.Path}/roles/{roleId}");

        response.Expect(HttpStatusCode.NoContent);
        await watcher.NextEventAsync("panel_updated", e => e.Payload.Items("roles").All(r => r.Str("id") != roleId),
            what: "panel_updated without the deleted role");
        var after = await GetPanelAsync(owner, panel);
        Assert.False(after.Prop("member_roles").TryGetProperty(bots[0].Id, out var left) && left.Items().Any(r => r.GetString() == roleId),
            $"the member still has the deleted role: {after.Prop("member_roles")}");
        Assert.DoesNotContain((await ChannelsAsync(owner, panel)).Single(c => c.Str("id") == hidden).Items("overrides"), o => o.Str("role_id") == roleId);
        (await bots[0].GetAsync(panel.MessagesPath(hidden))).ExpectError(HttpStatusCode.NotFound);
        Assert.Equal("missing permission: manage_channels",
            (await bots[0].PostAsync($"{panel.Path}/channels", new { name = "nope" })).ExpectError(HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task MemberRoles_PutReturnsTheMemberWithTheRole_DeleteRemovesIt_AndBothEmitPanelUpdated()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var roleId = (await CreateRoleAsync(owner, panel, "helper", 1, "manage_messages")).Str("id");
        await using var watcher = await bots[0].ConnectReadyAsync();

        var put = await owner.PutAsync($"{panel.Path}/members/{bots[0].Id}/roles/{roleId}", null);

        var member = put.Expect(HttpStatusCode.OK).Json;
        PanelShapes.AssertMember(member);
        Assert.Equal(bots[0].Id, member.Str("id"));
        Assert.Equal([roleId], member.Strings("role_ids"));
        await watcher.NextEventAsync("panel_updated", e => MemberRoles(e.Payload, bots[0].Id).Contains(roleId),
            what: "panel_updated with the member's new role");
        Assert.Equal([roleId], MemberRoles(await GetPanelAsync(owner, panel), bots[0].Id));

        var delete = await owner.DeleteAsync($"{panel.Path}/members/{bots[0].Id}/roles/{roleId}");

        delete.Expect(HttpStatusCode.NoContent);
        await watcher.NextEventAsync("panel_updated", e => !MemberRoles(e.Payload, bots[0].Id).Contains(roleId),
            what: "panel_updated without the member's role");
        Assert.Empty(MemberRoles(await GetPanelAsync(owner, panel), bots[0].Id));
    }

    [Fact]
    public async Task AMemberWithManageRoles_ManagesRolesBelowItsHighestRole()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);
        var (mod, member) = (bots[0], bots[1]);
        await GiveRoleAsync(owner, panel, mod, 2, "manage_roles", "manage_messages");

        var created = await mod.PostAsync($"{panel.Path}/roles", new { name = "junior", position = 1, permissions = new[] { "manage_messages" } });
        var juniorId = created.Expect(HttpStatusCode.Created).Json.Str("id");
        var assigned = await mod.PutAsync($"{panel.Path}/members/{member.Id}/roles/{juniorId}", null);
        var renamed = await mod.PatchAsync($"{panel.Path}/roles/{juniorId}", new { name = "junior mod" });
        var deleted = await mod.DeleteAsync($"{panel.Path}/roles/{juniorId}");

        assigned.Expect(HttpStatusCode.OK);
        Assert.Equal("junior mod", renamed.Expect(HttpStatusCode.OK).Json.Str("name"));
        deleted.Expect(HttpStatusCode.NoContent);
        Assert.DoesNotContain((await GetPanelAsync(owner, panel)).Items("roles"), r => r.Str("id") == juniorId);
    }

    [Fact]
    public async Task RoleRoutes_WithoutManageRoles_Return403NamingIt_AndChangeNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var roleId = (await CreateRoleAsync(owner, panel, "existing", 1)).Str("id");

        var create = await bots[0].PostAsync($"{panel.Path}/roles", new { name = "mine", position = 1 });
        var patch = await bots[0].PatchAsync($"{panel.Path}/roles/{roleId}", new { name = "mine" });
        var assign = await bots[0].PutAsync($"{panel.Path}/members/{bots[0].Id}/roles/{roleId}", null);
        var delete = await bots[0].DeleteAsync($"{panel.Path}/roles/{roleId}");

        foreach (var response in new[] { create, patch, assign, delete })
        {
            Assert.Equal("missing permission: manage_roles", response.ExpectError(HttpStatusCode.Forbidden));
        }

        var after = await GetPanelAsync(owner, panel);
        var role = Assert.Single(after.Items("roles"));
        Assert.Equal("existing", role.Str("name"));
        Assert.Empty(MemberRoles(after, bots[0].Id));
    }

    [Fact]
    public async Task AssignRole_AtOrAboveTheCallersHighestRole_Returns403_AndChangesNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);
        var (mod, member) = (bots[0], bots[1]);
        var modRole = await GiveRoleAsync(owner, panel, mod, 1, "manage_roles");
        var above = (await CreateRoleAsync(owner, panel, "admin-ish", 2, "manage_messages")).Str("id");
        var before = await GetPanelAsync(owner, panel);

        var ownRole = await mod.PutAsync($"{panel.Path}/members/{member.Id}/roles/{modRole}", null);
        var higherRole = await mod.PutAsync($"{panel.Path}/members/{member.Id}/roles/{above}", null);
        var toItself = await mod.PutAsync($"{panel.Path}/members/{mod.Id}/roles/{above}", null);

        ownRole.ExpectError(HttpStatusCode.Forbidden);
        higherRole.ExpectError(HttpStatusCode.Forbidden);
        toItself.ExpectError(HttpStatusCode.Forbidden);
        var after = await GetPanelAsync(owner, panel);
        Assert.Equal(before.Prop("member_roles").GetRawText(), after.Prop("member_roles").GetRawText());
    }

    [Fact]
    public async Task EditOrDeleteRole_AtOrAboveTheCallersHighestRole_Returns403_AndChangesNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var mod = bots[0];
        var modRole = await GiveRoleAsync(owner, panel, mod, 1, "manage_roles", "manage_messages");
        var above = (await CreateRoleAsync(owner, panel, "senior", 2)).Str("id");
        var before = await GetPanelAsync(owner, panel);

        var ownRole = await mod.PatchAsync($"{panel.Path}/roles/{modRole}", new { permissions = new[] { "manage_roles", "manage_messages", "ban_members" } });
        var higher = await mod.PatchAsync($"{panel.Path}/roles/{above}", new { name = "taken over" });
        var deleteOwn = await mod.DeleteAsync($"{panel.Path}/roles/{modRole}");
        var deleteHigher = await mod.DeleteAsync($"{panel.Path}/roles/{above}");

        foreach (var response in new[] { ownRole, higher, deleteOwn, deleteHigher })
        {
            response.ExpectError(HttpStatusCode.Forbidden);
        }

        Assert.Equal(before.Prop("roles").GetRawText(), (await GetPanelAsync(owner, panel)).Prop("roles").GetRawText());
    }

    [Fact]
    public async Task MovingOrCreatingARole_AtOrAboveTheCallersHighestRole_Returns403_AndChangesNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var mod = bots[0];
        await GiveRoleAsync(owner, panel, mod, 2, "manage_roles");
        var lower = (await CreateRoleAsync(owner, panel, "lower", 1)).Str("id");
        var modPosition = (await GetPanelAsync(owner, panel)).Items("roles").Max(r => r.Long("position"));
        var before = await GetPanelAsync(owner, panel);

        var moved = await mod.PatchAsync($"{panel.Path}/roles/{lower}", new { position = modPosition });
        // Creating at modPosition would insert the role just below the mod's (which moves up); above it is refused.
        var created = await mod.PostAsync($"{panel.Path}/roles", new { name = "peer", position = modPosition + 1 });

        moved.ExpectError(HttpStatusCode.Forbidden);
        created.ExpectError(HttpStatusCode.Forbidden);
        Assert.Equal(before.Prop("roles").GetRawText(), (await GetPanelAsync(owner, panel)).Prop("roles").GetRawText());
    }

    [Fact]
    public async Task GivingARoleAdministrator_WithoutHavingIt_Returns403_AndChangesNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var mod = bots[0];
        await GiveRoleAsync(owner, panel, mod, 2, "manage_roles");
        var lower = (await CreateRoleAsync(owner, panel, "lower", 1)).Str("id");
        var before = await GetPanelAsync(owner, panel);

        var patched = await mod.PatchAsync($"{panel.Path}/roles/{lower}", new { permissions = new[] { "administrator" } });
        var created = await mod.PostAsync($"{panel.Path}/roles", new { name = "root", position = 1, permissions = new[] { "administrator" } });

        patched.ExpectError(HttpStatusCode.Forbidden);
        created.ExpectError(HttpStatusCode.Forbidden);
        Assert.Equal(before.Prop("roles").GetRawText(), (await GetPanelAsync(owner, panel)).Prop("roles").GetRawText());
    }

    [Fact]
    public async Task CreateRole_WithAPermissionTheCallerLacks_Returns403_AndCreatesNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var mod = bots[0];
        await GiveRoleAsync(owner, panel, mod, 2, "manage_roles");
        var rolesBefore = (await GetPanelAsync(owner, panel)).Items("roles").Length;

        var response = await mod.PostAsync($"{panel.Path}/roles", new { name = "banhammer", position = 1, permissions = new[] { "ban_members" } });

        response.ExpectError(HttpStatusCode.Forbidden);
        Assert.Equal(rolesBefore, (await GetPanelAsync(owner, panel)).Items("roles").Length);
    }

    [Fact]
    public async Task AnOverride_GrantingWhatTheCallerLacksInTheChannel_Returns403_AndAddsNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var mod = bots[0];
        await GiveRoleAsync(owner, panel, mod, 2, "manage_roles");

        var response = await PutOverrideAsync(mod, panel, panel.GeneralId, "everyone", ["manage_messages"], NoPermissions);

        response.ExpectError(HttpStatusCode.Forbidden);
        Assert.Empty(Assert.Single(await ChannelsAsync(owner, panel)).Items("overrides"));
    }

    [Fact]
    public async Task AnOverride_ForARoleOfAnotherPanel_Returns404_AndAddsNothing()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var other = await CreatePanelAsync(owner);
        var foreignRole = (await CreateRoleAsync(owner, other, "foreign", 1)).Str("id");

        var put = await PutOverrideAsync(owner, panel, panel.GeneralId, foreignRole, ["mention_everyone"], NoPermissions);
        var assign = await owner.PutAsync($"{panel.Path}/members/{owner.Id}/roles/{foreignRole}", null);

        put.ExpectError(HttpStatusCode.NotFound);
        assign.ExpectError(HttpStatusCode.NotFound);
        Assert.Empty(Assert.Single(await ChannelsAsync(owner, panel)).Items("overrides"));
        Assert.Empty((await GetPanelAsync(owner, panel)).Items("roles"));
    }

    [Fact]
    public async Task AnOverride_ForARoleAtOrAboveTheCallersHighestRole_Returns403_AndAddsNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var mod = bots[0];
        var modRole = await GiveRoleAsync(owner, panel, mod, 1, "manage_roles", "view_channel", "send_messages");
        var above = (await CreateRoleAsync(owner, panel, "senior", 2)).Str("id");

        var own = await PutOverrideAsync(mod, panel, panel.GeneralId, modRole, NoPermissions, ["send_messages"]);
        var higher = await PutOverrideAsync(mod, panel, panel.GeneralId, above, NoPermissions, ["send_messages"]);

        own.ExpectError(HttpStatusCode.Forbidden);
        higher.ExpectError(HttpStatusCode.Forbidden);
        Assert.Empty(Assert.Single(await ChannelsAsync(owner, panel)).Items("overrides"));
    }

    private static string[] MemberRoles(JsonElement panel, string userId) =>
        panel.Prop("member_roles").TryGetProperty(userId, out var roles) ? roles.Items().Select(r => r.GetString()!).ToArray() : [];

    [Fact]
    public async Task CreateRole_ByAManagerWhoseHighestRoleIsAtPosition1_PutsTheNewRoleBelowIt()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var manager = bots[0];
        var managerRole = await GiveRoleAsync(owner, panel, manager, 1, "manage_roles");

        var created = (await manager.PostAsync($"{panel.Path}/roles", new { name = "low", permissions = new[] { "send_messages" } }))
            .Expect(HttpStatusCode.Created).Json;

        // New roles go to position 1 and the roles at or above it move up: the manager's role is now above the new one.
        var roles = (await GetPanelAsync(owner, panel)).GetProperty("roles").Items().ToDictionary(r => r.Str("id"), r => r.GetProperty("position").GetInt32());
        Assert.Equal(1, roles[created.Str("id")]);
        Assert.Equal(2, roles[managerRole]);
    }

    [Fact]
    public async Task CreateRole_AboveTheCallersHighestRole_Returns403_AndCreatesNothing()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(1);
        var manager = bots[0];
        await GiveRoleAsync(owner, panel, manager, 1, "manage_roles");
        var before = (await GetPanelAsync(owner, panel)).GetProperty("roles").GetArrayLength();

        var response = await manager.PostAsync($"{panel.Path}/roles", new { name = "high", position = 2 });

        response.ExpectError(HttpStatusCode.Forbidden);
        Assert.Equal(before, (await GetPanelAsync(owner, panel)).GetProperty("roles").GetArrayLength());
    }
}
