using Circul.Actors;
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
        await Fixture.Silo.Services.GetRequiredService<IActorRuntime>().CollectIdleAsync();

        Assert.Equal("online", (await world.B.GetAsync($"/api/users/{world.A.Id}")).Expect(HttpStatusCode.OK).Json.Str("status"));

        await listener.DisposeAsync();
        await peerSocket.NextEventAsync("status_change", e => AboutUser(world.A.Id)(e) && e.Payload.Str("status") == "offline",
            what: "the listener going offline when its only socket closes after the collection pass");
    }
}
