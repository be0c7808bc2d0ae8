using System.Collections.Concurrent;

namespace Circul.Grains.Panels;

/// <summary>The latest snapshot of each active panel on this silo. The panel grain publishes every new snapshot here;
/// channel and user grains read it without a grain call (which also keeps calls flowing one way).</summary>
public sealed class PanelSnapshotCache
{
    private readonly ConcurrentDictionary<string, PanelSnapshot> _snapshots = new(StringComparer.Ordinal);

    public bool TryGet(string panelId, out PanelSnapshot snapshot) => _snapshots.TryGetValue(panelId, out snapshot!);

    public void Set(PanelSnapshot snapshot) => _snapshots[snapshot.PanelId] = snapshot;

    public void Remove(string panelId) => _snapshots.TryRemove(panelId, out _);
}
