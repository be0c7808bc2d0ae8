using Circul.Grains.Events;
using Circul.Silo.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using System.Net;

namespace Circul.Grains.Tests.Cluster;

/// <summary>The link to another silo's gateway: batches in order with one outstanding acknowledgement, a bounded queue
/// that never blocks the publisher, and retries the receiver recognises.</summary>
public sealed class RemoteGatewayLinkTests
{
    private static readonly SiloAddress Target = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);

    [Fact]
    public async Task EventsArriveInPublishOrder_InBatches_WithOneBatchOutstanding()
    {
        var observer = new ScriptedObserver();
        await using var link = NewLink(observer, maxQueued: 10_000);

        observer.Hold();
        link.Enqueue(Event(0));
        await observer.WaitForCallsAsync(1);
        for (var i = 1; i < 100; i++)
        {
            link.Enqueue(Event(i));
        }

        Assert.Equal(1, observer.MaxConcurrent);
        observer.Release();
        await observer.WaitForEventsAsync(100);

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"e{i}"), observer.Events.Select(e => e.Type));
        Assert.True(observer.Calls < 100, $"expected the 99 events queued behind the first batch to travel in few batches, got {observer.Calls} calls");
        Assert.Equal(1, observer.MaxConcurrent);
    }

    [Fact]
    public async Task ASlowTarget_NeverBlocksThePublisher_AndPastTheBoundTheNextBatchSaysEventsWereLost()
    {
        var observer = new ScriptedObserver();
        await using var link = NewLink(observer, maxQueued: 5);

        observer.Hold();
        link.Enqueue(Event(0));
        await observer.WaitForCallsAsync(1);
        var started = DateTime.UtcNow;
        for (var i = 1; i <= 20; i++)
        {
            link.Enqueue(Event(i));
        }

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1), "enqueueing must not wait for the target");
        Assert.Equal(5, link.QueuedEvents);
        Assert.Equal(15, link.DroppedEvents);
        observer.Release();
        await observer.WaitForEventsAsync(6);

        Assert.False(observer.Batches[0].EventsLost);
        Assert.True(observer.Batches[1].EventsLost, "the first batch after the drop must say events were lost");
    }

    [Fact]
    public async Task AFailedDelivery_IsRetriedWithTheSameSequence()
    {
        var observer = new ScriptedObserver { FailuresLeft = 2 };
        await using var link = NewLink(observer, maxQueued: 100);

        link.Enqueue(Event(0));
        await observer.WaitForEventsAsync(1);

        Assert.Equal(3, observer.Calls);
        Assert.Equal(3, observer.AttemptedSequences.Count);
        Assert.Single(observer.AttemptedSequences.Distinct());
    }

    [Fact]
    public async Task AnEnqueueAfterTheLinkWasDropped_NeitherThrowsNorLeavesAWaiterHanging()
    {
        var observer = new ScriptedObserver();
        var link = NewLink(observer, maxQueued: 100);
        await link.DisposeAsync();

        var delivered = new TaskCompletionSource();
        link.Enqueue(Event(0), delivered);

        Assert.True(delivered.Task.IsCompleted, "a waiter on a dropped link must be released");
        Assert.Equal(0, observer.Calls);
    }

    private static RemoteGatewayLink NewLink(ScriptedObserver observer, int maxQueued) =>
        new(Target, observer, "S-test", new ClusterEventOptions { MaxQueuedEventsPerSilo = maxQueued, DeliveryTimeoutMs = 5_000 }, NullLogger.Instance);

    private static OutboundEvent Event(int i) => new($"e{i}", "{}"u8.ToArray(), EventAudience.Users([]));

    private sealed class ScriptedObserver : IGatewayObserver
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource _gate = Completed();
        private int _running;

        public int FailuresLeft { get; set; }

        public int Calls { get; private set; }

        public int MaxConcurrent { get; private set; }

        public List<EventBatch> Batches { get; } = [];

        public List<long> AttemptedSequences { get; } = [];

        public List<OutboundEvent> Events { get; } = [];

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public async Task DeliverAsync(EventBatch batch)
        {
            lock (_lock)
            {
                Calls++;
                AttemptedSequences.Add(batch.Sequence);
                MaxConcurrent = Math.Max(MaxConcurrent, ++_running);
            }

            try
            {
                await _gate.Task;
                lock (_lock)
                {
                    if (FailuresLeft-- > 0)
                    {
                        throw new TimeoutException("target busy");
                    }

                    Batches.Add(batch);
                    Events.AddRange(batch.Events);
                }
            }
            finally
            {
                lock (_lock)
                {
                    _running--;
                }
            }
        }

        public Task PeerRegisteredAsync(GatewayRegistration peer) => Task.CompletedTask;

        public Task CloseTokensAsync(string[] tokenHashes, int closeCode, string reason) => Task.CompletedTask;

        public Task CloseUserAsync(string userId, int closeCode, string reason) => Task.CompletedTask;

        public Task WaitForCallsAsync(int count) => WaitAsync(() => Calls >= count, $"{count} calls");

        public Task WaitForEventsAsync(int count) => WaitAsync(() => Events.Count >= count, $"{count} events");

        private async Task WaitAsync(Func<bool> done, string what)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (true)
            {
                lock (_lock)
                {
                    if (done())
                    {
                        return;
                    }
                }

                Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
                await Task.Delay(10);
            }
        }

        private static TaskCompletionSource Completed()
        {
            var tcs = new TaskCompletionSource();
            tcs.TrySetResult();
            return tcs;
        }
    }
}
