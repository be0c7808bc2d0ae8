using System.Collections.Concurrent;

namespace Circul.Grains.Panels;

/// <summary>This silo's copies of panels' immutable snapshots: the latest of each panel (what channel and user grains
/// check permissions against, without a grain call) and a few recent versions (what events published at those versions
/// are resolved against). A panel grain on this silo sets every snapshot it makes; a panel grain elsewhere announces
/// its new versions (<see cref="NoteVersion"/>), so that a stale copy is never taken for the latest.</summary>
public sealed class PanelSnapshotCache
{
    /// <summary>Versions kept per panel: enough for the events still in flight after a burst of changes.</summary>
    public const int VersionsKept = 16;

    private readonly ConcurrentDictionary<string, Entry> _panels = new(StringComparer.Ordinal);

    /// <summary>The latest snapshot, unless a newer version is known to exist.</summary>
    public bool TryGet(string panelId, out PanelSnapshot snapshot)
    {
        if (_panels.TryGetValue(panelId, out var entry))
        {
            lock (entry)
            {
                if (entry.Latest is { } latest && latest.Version >= entry.NewestKnown)
                {
                    snapshot = latest;
                    return true;
                }
            }
        }

        snapshot = null!;
        return false;
    }

    /// <summary>The snapshot of exactly this version, if this silo still has it.</summary>
    public bool TryGet(string panelId, long version, out PanelSnapshot snapshot)
    {
        if (_panels.TryGetValue(panelId, out var entry))
        {
            lock (entry)
            {
                foreach (var s in entry.Recent)
                {
                    if (s.Version == version)
                    {
                        snapshot = s;
                        return true;
                    }
                }
            }
        }

        snapshot = null!;
        return false;
    }

    public void Set(PanelSnapshot snapshot)
    {
        var entry = _panels.GetOrAdd(snapshot.PanelId, static _ => new Entry());
        lock (entry)
        {
            if (entry.Recent.Exists(s => s.Version == snapshot.Version))
            {
                return;
            }

            entry.Recent.Add(snapshot);
            if (entry.Recent.Count > VersionsKept)
            {
                entry.Recent.Remove(entry.Recent.MinBy(s => s.Version)!);
            }

            if (entry.Latest is null || snapshot.Version > entry.Latest.Version)
            {
                entry.Latest = snapshot;
            }

            entry.NewestKnown = Math.Max(entry.NewestKnown, snapshot.Version);
        }
    }

    /// <summary>Records that the panel has reached <paramref name="version"/> (announced by its grain on another silo):
    /// a latest copy older than that is no longer served.</summary>
    public void NoteVersion(string panelId, long version)
    {
        var entry = _panels.GetOrAdd(panelId, static _ => new Entry());
        lock (entry)
        {
            entry.NewestKnown = Math.Max(entry.NewestKnown, version);
        }
    }

    /// <summary>Forgets the panel (deleted, or its grain deactivated here). Events of its versions still in flight are
    /// resolved after fetching the snapshot once from the panel grain.</summary>
    public void Remove(string panelId) => _panels.TryRemove(panelId, out _);

    private sealed class Entry
    {
        public PanelSnapshot? Latest { get; set; }

        public long NewestKnown { get; set; }

        public List<PanelSnapshot> Recent { get; } = [];
    }
}
