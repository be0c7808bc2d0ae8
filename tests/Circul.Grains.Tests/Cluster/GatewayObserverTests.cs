using Circul.Grains.Events;
using Circul.Grains.Panels;
using Circul.Silo.Cluster;
using Microsoft.Extensions.Logging.Abstractions;

namespace Circul.Grains.Tests.Cluster;

/// <summary>The receiving side of a silo-to-silo batch.</summary>
public sealed class GatewayObserverTests
{
    private readonly RecordingSessions _sessions = new();
    private readonly GatewayObserver _observer;

    public GatewayObserverTests()
    {
        // Users audiences need no panel snapshot, so no grain factory is involved.
        var local = new LocalDelivery(_sessions, new PanelSnapshotSource(new PanelSnapshotCache(), null!), NullLogger<LocalDelivery>.Instance);
        _observer = new GatewayObserver(local, _sessions, router: null!, NullLogger<GatewayObserver>.Instance);
    }

    [Fact]
    public async Task ABatchSentAgain_AfterALostAcknowledgement_IsNotDeliveredTwice()
    {
        _sessions.Connect("u-1");
        var batch = new EventBatch("S-a", 1, [Event("first")], EventsLost: false);

        await _observer.DeliverAsync(batch);
        await _observer.DeliverAsync(batch);
        await _observer.DeliverAsync(new EventBatch("S-a", 2, [Event("second")], EventsLost: false));

        Assert.Equal(["first", "second"], _sessions.EventsOf("u-1").Select(e => e.Type));
    }

    [Fact]
    public async Task BatchesOfDifferentSenders_AreCountedSeparately()
    {
        _sessions.Connect("u-1");

        await _observer.DeliverAsync(new EventBatch("S-a", 1, [Event("from-a")], EventsLost: false));
        await _observer.DeliverAsync(new EventBatch("S-b", 1, [Event("from-b")], EventsLost: false));

        Assert.Equal(["from-a", "from-b"], _sessions.EventsOf("u-1").Select(e => e.Type));
    }

    [Fact]
    public async Task ABatchSayingEventsWereLost_ClosesTheSilosSessions()
    {
        _sessions.Connect("u-1");

        await _observer.DeliverAsync(new EventBatch("S-a", 1, [Event("after-gap")], EventsLost: true));

        Assert.Empty(_sessions.EventsOf("u-1"));
    }

    private static OutboundEvent Event(string type) => OutboundEvent.Create(type, new { }, EventAudience.Users(["u-1"]));
}
