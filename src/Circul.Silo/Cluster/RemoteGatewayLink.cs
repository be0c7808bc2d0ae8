using System.Collections.Concurrent;
using Circul.Grains.Events;
using Orleans.Runtime;

namespace Circul.Silo.Cluster;

/// <summary>The events this silo sends one other silo's gateway: a bounded queue and one pump that sends them in order,
/// in batches, one acknowledged batch at a time (what arrives meanwhile makes the next batch). Enqueuing never blocks:
/// a target that is slow or gone only fills its own queue; past the bound new events are dropped and the next batch
/// says so, so that the target closes its sockets for a clean reconnect instead of leaving a silent gap.</summary>
public sealed partial class RemoteGatewayLink : IAsyncDisposable
{
    private readonly ConcurrentQueue<(OutboundEvent Event, TaskCompletionSource? Delivered)> _queue = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ClusterEventOptions _options;
    private readonly string _sender;
    private readonly ILogger _logger;
    private readonly Task _pump;
    private IGatewayObserver _observer;
    private int _count;
    private int _signaled;
    private int _lost;
    private long _sequence;
    private long _dropped;

    public RemoteGatewayLink(SiloAddress target, IGatewayObserver observer, string sender, ClusterEventOptions options, ILogger logger)
    {
        Target = target;
        _observer = observer;
        // A new link (after its silo left and came back, say) numbers its batches from 1 again: its own sender id keeps
        // the receiver from taking them for repeats of the old link's.
        _sender = sender + "#" + Guid.NewGuid().ToString("N")[..8];
        _options = options;
        _logger = logger;
        _pump = Task.Run(PumpAsync);
    }

    public SiloAddress Target { get; }

    public IGatewayObserver Observer => Volatile.Read(ref _observer);

    public int QueuedEvents => Volatile.Read(ref _count);

    public long DroppedEvents => Interlocked.Read(ref _dropped);

    /// <summary>A silo registers again periodically; a restarted gateway object comes with a new reference.</summary>
    public void UpdateObserver(IGatewayObserver observer) => Volatile.Write(ref _observer, observer);

    /// <summary>Queues an event; <paramref name="delivered"/>, when given, completes once the target acknowledged the
    /// batch holding it (or the event was dropped, or the link closed: nobody waits forever).</summary>
    public void Enqueue(OutboundEvent e, TaskCompletionSource? delivered = null)
    {
        if (_stop.IsCancellationRequested)
        {
            // The link was dropped while a publisher still held it: the silo is gone or replaced by a new link.
            delivered?.TrySetResult();
            return;
        }

        if (Interlocked.Increment(ref _count) > _options.MaxQueuedEventsPerSilo)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _dropped);
            delivered?.TrySetResult();
            if (Interlocked.Exchange(ref _lost, 1) == 0)
            {
                LogQueueFull(_logger, Target, _options.MaxQueuedEventsPerSilo);
            }

            return;
        }

        _queue.Enqueue((e, delivered));
        if (Interlocked.Exchange(ref _signaled, 1) == 0)
        {
            _signal.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException)
        {
        }

        while (_queue.TryDequeue(out var left))
        {
            left.Delivered?.TrySetResult();
        }

        // _stop and _signal are not disposed: a publisher holding an older list of links may still call Enqueue.
    }

    private async Task PumpAsync()
    {
        var token = _stop.Token;
        var batch = new List<OutboundEvent>();
        var waiting = new List<TaskCompletionSource>();
        while (!token.IsCancellationRequested)
        {
            await _signal.WaitAsync(token);
            Volatile.Write(ref _signaled, 0);
            while (!_queue.IsEmpty)
            {
                batch.Clear();
                waiting.Clear();
                while (batch.Count < _options.MaxBatchEvents && _queue.TryDequeue(out var item))
                {
                    batch.Add(item.Event);
                    if (item.Delivered is not null)
                    {
                        waiting.Add(item.Delivered);
                    }
                }

                Interlocked.Add(ref _count, -batch.Count);
                var lost = Interlocked.Exchange(ref _lost, 0) == 1;
                await SendAsync(new EventBatch(_sender, ++_sequence, [.. batch], lost), token);
                foreach (var delivered in waiting)
                {
                    delivered.TrySetResult();
                }
            }
        }
    }

    /// <summary>Sends one batch until it is acknowledged: a retry after a timeout may reach a silo that already has the
    /// batch, which it recognises by its sequence number.</summary>
    private async Task SendAsync(EventBatch batch, CancellationToken token)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await Observer.DeliverAsync(batch).WaitAsync(TimeSpan.FromMilliseconds(_options.DeliveryTimeoutMs), token);
                return;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                LogSendFailed(_logger, e, Target, batch.Events.Length);
                await Task.Delay(delay, token);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Events for silo {Silo} are queued past {Limit}: dropping new ones until it catches up; its sockets will be closed for a clean reconnect")]
    private static partial void LogQueueFull(ILogger logger, SiloAddress silo, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not deliver {Count} events to silo {Silo}; retrying")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, SiloAddress silo, int count);
}
