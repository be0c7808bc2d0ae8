using Circul.Grains.Events;
using Circul.Grains.Panels;

namespace Circul.Silo.Cluster;

/// <summary>Hands events to this silo's sessions in the order they arrive. An event whose panel snapshot is at hand goes
/// out at once on the caller's thread; one that needs a snapshot this silo lacks waits for it (fetched once from the
/// panel grain), and every event after it waits behind it, so a room's order holds.</summary>
public sealed partial class LocalDelivery(ILocalSessions registry, PanelSnapshotSource snapshots, ILogger<LocalDelivery> logger)
{
    private readonly Lock _lock = new();
    private readonly Queue<Pending> _pending = new();
    private volatile bool _pumping;

    /// <summary>Delivers <paramref name="events"/> in order; the task completes when all of them were handed to sessions
    /// (at once, unless a snapshot had to be fetched).</summary>
    public Task DeliverAsync(IReadOnlyList<OutboundEvent> events)
    {
        var start = 0;
        if (!_pumping)
        {
            while (start < events.Count && TryDeliverNow(events[start]))
            {
                start++;
            }

            if (start == events.Count)
            {
                return Task.CompletedTask;
            }
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _pending.Enqueue(new Pending(events, start, done));
            if (!_pumping)
            {
                _pumping = true;
                _ = Task.Run(PumpAsync);
            }
        }

        return done.Task;
    }

    public void Deliver(OutboundEvent outboundEvent)
    {
        var task = DeliverAsync([outboundEvent]);
        if (!task.IsCompleted)
        {
            // Delivery continues in order behind the missing snapshot; nobody waits for it here.
            _ = task.ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private bool TryDeliverNow(OutboundEvent e)
    {
        var audience = e.Audience;
        if (e.IsSnapshotNotice)
        {
            snapshots.Cache.NoteVersion(audience.PanelId!, audience.Version);
            return true;
        }

        PanelSnapshot? after = null;
        PanelSnapshot? before = null;
        if (audience.NeedsSnapshot)
        {
            if (!snapshots.Cache.TryGet(audience.PanelId!, audience.Version, out var found))
            {
                return false;
            }

            after = found;
        }

        if (audience.NeedsBeforeSnapshot)
        {
            if (!snapshots.Cache.TryGet(audience.PanelId!, audience.BeforeVersion, out var found))
            {
                return false;
            }

            before = found;
        }

        registry.Deliver(e, after, before);
        return true;
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            Pending next;
            lock (_lock)
            {
                if (!_pending.TryDequeue(out next!))
                {
                    _pumping = false;
                    return;
                }
            }

            for (var i = next.Start; i < next.Events.Count; i++)
            {
                var e = next.Events[i];
                try
                {
                    if (!TryDeliverNow(e))
                    {
                        await DeliverFetchingAsync(e);
                    }
                }
                catch (Exception ex)
                {
                    LogDeliveryFailed(logger, ex, e.Type, e.Audience.PanelId);
                }
            }

            next.Done.TrySetResult();
        }
    }

    private async Task DeliverFetchingAsync(OutboundEvent e)
    {
        var audience = e.Audience;
        var after = await snapshots.AtVersionAsync(audience.PanelId!, audience.Version);
        var before = audience.NeedsBeforeSnapshot ? await snapshots.AtVersionAsync(audience.PanelId!, audience.BeforeVersion) : null;
        registry.Deliver(e, after, before);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not deliver a {EventType} event of panel {PanelId}")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string eventType, string? panelId);

    private sealed record Pending(IReadOnlyList<OutboundEvent> Events, int Start, TaskCompletionSource Done);
}
