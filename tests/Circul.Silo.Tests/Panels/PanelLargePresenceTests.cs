namespace Circul.Silo.Tests.Panels;

/// <summary>API.md section 8: panels above <c>Presence:LargePanelThreshold</c> members (2 here) do not fan presence out.</summary>
public sealed class PanelLargePresenceTests(SmallPanelPresenceSiloFixture fixture) : PanelTestBase(fixture), IClassFixture<SmallPanelPresenceSiloFixture>
{
    [Fact]
    public async Task AStatusChange_DoesNotTravelThroughAPanelAboveTheThreshold()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);
        var (watcher, changer) = (bots[0], bots[1]);
        await using var socket = await watcher.ConnectReadyAsync();

        (await changer.PatchAsync("/api/bot/me", new { status = "busy" })).Expect(HttpStatusCode.OK);

        await AssertNothingBeforeMarkerAsync(socket, owner, panel, panel.GeneralId,
            e => e.Type == "status_change" && AboutUser(changer.Id)(e), "a status_change through a panel of 3 members (threshold 2)");
    }

    [Fact]
    public async Task AStatusChange_StillTravelsThroughAPanelAtTheThreshold()
    {
        var panelOwner = await NewHumanAsync();
        var botOwner = await NewHumanAsync();
        var panel = await CreatePanelAsync(panelOwner);
        var changer = await NewBotAsync(botOwner);
        await JoinByInviteAsync(changer, await CreateInviteCodeAsync(panelOwner, panel)); // another owner's bot joins by invite
        await using var socket = await panelOwner.ConnectReadyAsync();

        (await changer.PatchAsync("/api/bot/me", new { status = "busy" })).Expect(HttpStatusCode.OK);

        await socket.NextEventAsync("status_change", e => AboutUser(changer.Id)(e) && e.Payload.Str("status") == "busy",
            what: "status_change through a panel of 2 members (threshold 2)");
    }
}
