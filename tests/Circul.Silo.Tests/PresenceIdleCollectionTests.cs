using Orleans;
using Orleans.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Circul.Silo.Tests;

/// <summary>
/// A bot that only listens makes no calls for a long time: idle collection must not forget that it is connected.
/// </summary>
public sealed class PresenceIdleCollectionTests(ShortIdleSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<ShortIdleSiloFixture>
{
    [Fact]
    public async Task AConnectedBot_StaysOnlineThroughIdleCollection_AndGoesOfflineWhenItsSocketCloses()
    {
        var world = await NewBotsInDmAsync();
        await using var peerSocket = await world.B.ConnectReadyAsync();
        var listener = await world.A.ConnectReadyAsync();
        await peerSocket.NextEventAsync("status_change", e => AboutUser(world.A.Id)(e) && e.Payload.Str("status") == "online", what: "the listener coming online");

        // Let every grain go idle for longer than the idle timeout, then collect: the listener's user grain holds its
        // connection count and must survive.
        await Task.Delay(ShortIdleSiloFixture.IdleTimeout + TimeSpan.FromMilliseconds(500));
        await CollectIdleGrainsAsync();

        Assert.Equal("online", (await world.B.GetAsync($"/api/users/{world.A.Id}")).Expect(HttpStatusCode.OK).Json.Str("status"));

        await listener.DisposeAsync();
        await peerSocket.NextEventAsync("status_change", e => AboutUser(world.A.Id)(e) && e.Payload.Str("status") == "offline",
            what: "the listener going offline when its only socket closes after the collection pass");
    }

    [Fact]
    public async Task PresenceThroughAPanel_StillTravels_AfterThePanelGrainWasCollected()
    {
        var owner = await NewHumanAsync();
        var changer = await NewBotAsync(owner);
        var watcher = await NewBotAsync(owner);
        var panelId = (await owner.PostAsync("/api/panels", new { name = "quiet" })).Expect(HttpStatusCode.Created).Json.Str("id");
        (await owner.PostAsync($"/api/panels/{panelId}/bots", new { bot_id = changer.Id })).Expect(HttpStatusCode.Created);
        (await owner.PostAsync($"/api/panels/{panelId}/bots", new { bot_id = watcher.Id })).Expect(HttpStatusCode.Created);
        await using var socket = await watcher.ConnectReadyAsync();

        // The two bots share only the panel. Let the panel grain go idle and be collected: the status change must then
        // find the panel's members through storage.
        await Task.Delay(ShortIdleSiloFixture.IdleTimeout + TimeSpan.FromMilliseconds(500));
        await CollectIdleGrainsAsync();
        (await changer.PatchAsync("/api/bot/me", new { status = "busy" })).Expect(HttpStatusCode.OK);

        await socket.NextEventAsync("status_change", e => AboutUser(changer.Id)(e) && e.Payload.Str("status") == "busy",
            what: "status_change through a panel whose grain is no longer active");
    }

    /// <summary>Runs Orleans' idle collection now for every activation idle longer than the fixture's collection age.</summary>
    private Task CollectIdleGrainsAsync() =>
        Fixture.Silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(ShortIdleSiloFixture.IdleTimeout);
}
