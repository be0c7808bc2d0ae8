using Circul.Grains.Events;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Circul.Silo.Cluster;

/// <summary>Where committed events and account actions go: this silo's sessions (in order, at once when possible) and
/// every other silo's gateway observer (through one <see cref="RemoteGatewayLink"/> per silo). One serialization per
/// event: the same bytes go to local sessions and over the wire.</summary>
public sealed partial class EventRouter(
    LocalDelivery local, ILocalSessions registry, ILocalSiloDetails silo, IOptions<ClusterEventOptions> options, ILogger<EventRouter> logger)
    : IEventPublisher, IGatewayControl, IAsyncDisposable
{
    private readonly Lock _linksLock = new();
    private RemoteGatewayLink[] _links = [];

    /// <summary>The silos this one currently sends to.</summary>
    public IReadOnlyList<RemoteGatewayLink> Links => Volatile.Read(ref _links);

    public void Publish(OutboundEvent outboundEvent)
    {
        ArgumentNullException.ThrowIfNull(outboundEvent);
        local.Deliver(outboundEvent);
        foreach (var link in Volatile.Read(ref _links))
        {
            link.Enqueue(outboundEvent);
        }
    }

    public Task AnnounceSnapshot(string panelId, long version)
    {
        var links = Volatile.Read(ref _links);
        if (links.Length == 0)
        {
            return Task.CompletedTask;
        }

        var notice = OutboundEvent.SnapshotNotice(panelId, version);
        var delivered = new Task[links.Length];
        for (var i = 0; i < links.Length; i++)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            links[i].Enqueue(notice, done);
            delivered[i] = done.Task;
        }

        // A silo that is slow or gone does not hold a panel change up for longer than this.
        return Task.WhenAll(delivered).WaitAsync(TimeSpan.FromMilliseconds(options.Value.AnnouncementTimeoutMs))
            .ContinueWith(static _ => { }, TaskScheduler.Default);
    }

    public void CloseTokens(IReadOnlyCollection<string> tokenHashes, int closeCode, string reason)
    {
        registry.CloseTokens(tokenHashes, closeCode, reason);
        string[] hashes = [.. tokenHashes];
        foreach (var link in Volatile.Read(ref _links))
        {
            Observe(link.Observer.CloseTokensAsync(hashes, closeCode, reason));
        }
    }

    public void CloseUser(string userId, int closeCode, string reason)
    {
        registry.CloseUser(userId, closeCode, reason);
        foreach (var link in Volatile.Read(ref _links))
        {
            Observe(link.Observer.CloseUserAsync(userId, closeCode, reason));
        }
    }

    /// <summary>Adds a link for each silo the directory lists that has none, updates the observer references of the
    /// others, and drops the links of silos <paramref name="isGone"/> says are gone. A silo merely missing from one
    /// listing (the directory grain was just rebuilt) keeps its link: liveness comes from Orleans' membership, not from
    /// the directory.</summary>
    public async Task UpdateAsync(IReadOnlyCollection<GatewayRegistration> others, Func<SiloAddress, bool> isGone)
    {
        List<RemoteGatewayLink> removed;
        lock (_linksLock)
        {
            var current = _links;
            var next = new List<RemoteGatewayLink>(others.Count);
            foreach (var kept in current)
            {
                if (!isGone(kept.Target) && !others.Any(r => r.Silo.Equals(kept.Target)))
                {
                    next.Add(kept);
                }
            }

            foreach (var registration in others)
            {
                var link = Array.Find(current, l => l.Target.Equals(registration.Silo));
                if (link is null)
                {
                    link = new RemoteGatewayLink(registration.Silo, registration.Observer, silo.SiloAddress.ToParsableString(), options.Value, logger);
                    LogSiloAdded(logger, registration.Silo);
                }
                else
                {
                    link.UpdateObserver(registration.Observer);
                }

                next.Add(link);
            }

            removed = [.. current.Where(l => !next.Contains(l))];
            Volatile.Write(ref _links, [.. next]);
        }

        foreach (var link in removed)
        {
            LogSiloRemoved(logger, link.Target, link.QueuedEvents);
            await link.DisposeAsync();
        }
    }

    /// <summary>Adds (or refreshes) the link to one silo that just registered.</summary>
    public void AddPeer(GatewayRegistration peer)
    {
        if (peer.Silo.Equals(silo.SiloAddress))
        {
            return;
        }

        lock (_linksLock)
        {
            var link = Array.Find(_links, l => l.Target.Equals(peer.Silo));
            if (link is not null)
            {
                link.UpdateObserver(peer.Observer);
                return;
            }

            link = new RemoteGatewayLink(peer.Silo, peer.Observer, silo.SiloAddress.ToParsableString(), options.Value, logger);
            LogSiloAdded(logger, peer.Silo);
            Volatile.Write(ref _links, [.. _links, link]);
        }
    }

    public async ValueTask DisposeAsync() => await UpdateAsync([], static _ => true);

    private void Observe(Task task) =>
        task.ContinueWith(
            static (t, state) => LogControlFailed((ILogger)state!, t.Exception!, "close"),
            logger,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway of silo {Silo} joined: events go there from now on")]
    private static partial void LogSiloAdded(ILogger logger, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway of silo {Silo} left ({Queued} events were queued for it)")]
    private static partial void LogSiloRemoved(ILogger logger, SiloAddress silo, int queued);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Action} sent to another silo failed")]
    private static partial void LogControlFailed(ILogger logger, Exception exception, string action);
}
