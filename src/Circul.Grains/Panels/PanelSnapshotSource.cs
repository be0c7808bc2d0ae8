using System.Collections.Concurrent;
using Orleans;

namespace Circul.Grains.Panels;

/// <summary>Finds panel snapshots for this silo: from <see cref="PanelSnapshotCache"/> when it has them, else from the
/// panel grain, once per missing version however many callers ask at the same time.</summary>
public sealed class PanelSnapshotSource(PanelSnapshotCache cache, IGrainFactory grains)
{
    private readonly ConcurrentDictionary<(string PanelId, long Version), Task<PanelSnapshot>> _fetches = new();

    public PanelSnapshotCache Cache => cache;

    /// <summary>The panel's latest snapshot (404 for unknown or deleted panels).</summary>
    public ValueTask<PanelSnapshot> LatestAsync(string panelId) =>
        cache.TryGet(panelId, out var snapshot) ? ValueTask.FromResult(snapshot) : new ValueTask<PanelSnapshot>(FetchAsync(panelId, 0));

    /// <summary>The panel's newest snapshot, asked of the panel grain whatever this silo has (404 for unknown or deleted
    /// panels); concurrent callers share one fetch.</summary>
    public Task<PanelSnapshot> RefreshAsync(string panelId) => FetchAsync(panelId, 0);

    /// <summary>The snapshot of <paramref name="version"/>; a newer one when the panel no longer has that version;
    /// null when the panel is gone.</summary>
    public async ValueTask<PanelSnapshot?> AtVersionAsync(string panelId, long version)
    {
        if (cache.TryGet(panelId, version, out var snapshot))
        {
            return snapshot;
        }

        try
        {
            return await FetchAsync(panelId, version);
        }
        catch (ApiException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }

    private Task<PanelSnapshot> FetchAsync(string panelId, long version)
    {
        var key = (panelId, version);
        return _fetches.GetOrAdd(key, k => FetchOnceAsync(k.PanelId, k.Version));
    }

    private async Task<PanelSnapshot> FetchOnceAsync(string panelId, long version)
    {
        try
        {
            var data = await grains.GetGrain<IPanelGrain>(panelId).GetSnapshotAsync(version);
            var snapshot = data.ToSnapshot();
            cache.Set(snapshot);
            return snapshot;
        }
        finally
        {
            _fetches.TryRemove((panelId, version), out _);
        }
    }
}
