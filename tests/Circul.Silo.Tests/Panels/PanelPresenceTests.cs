namespace Circul.Silo.Tests.Panels;

/// <summary>API.md section 8, status_change through panels: members of a shared panel hear each other's presence.</summary>
public sealed class PanelPresenceTests(SqliteSiloFixture fixture) : PanelTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task ABotsStatusChange_ReachesAnotherBotOnlyOnceTheyShareAPanel()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var (watcher, changer) = (await NewBotAsync(owner), await NewBotAsync(owner));
        await AddBotAsync(owner, panel, watcher);
        await using var socket = await watcher.ConnectReadyAsync();

        (await changer.PatchAsync("/api/bot/me", new { status = "away" })).Expect(HttpStatusCode.OK);
        await AssertNothingBeforeMarkerAsync(socket, owner, panel, panel.GeneralId,
            e => e.Type == "status_change" && AboutUser(changer.Id)(e), "a status_change of a bot it shares nothing with");
        await AddBotAsync(owner, panel, changer);
        (await changer.PatchAsync("/api/bot/me", new { status = "busy" })).Expect(HttpStatusCode.OK);

        var change = await socket.NextEventAsync("status_change", e => AboutUser(changer.Id)(e) && e.Payload.Str("status") == "busy",
            what: "status_change busy of a fellow panel member");
        Assert.Equal(changer.Id, change.Payload.Str("user_id"));
    }

    [Fact]
    public async Task AfterLeavingThePanel_StatusChangesNoLongerArrive()
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var (watcher, changer) = (await NewBotAsync(owner), await NewBotAsync(owner));
        await AddBotAsync(owner, panel, watcher);
        await AddBotAsync(owner, panel, changer);
        await using var socket = await watcher.ConnectReadyAsync();

        (await changer.DeleteAsync($"{panel.Path}/members/{changer.Id}")).Expect(HttpStatusCode.NoContent);
        (await changer.PatchAsync("/api/bot/me", new { status = "busy" })).Expect(HttpStatusCode.OK);

        await AssertNothingBeforeMarkerAsync(socket, owner, panel, panel.GeneralId,
            e => e.Type == "status_change" && AboutUser(changer.Id)(e), "a status_change of a bot that left the panel");
    }
}
