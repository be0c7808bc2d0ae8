namespace Circul.Grains.Hosting;

/// <summary>A grain whose calls may leave a snapshot announcement in flight (the panel grain): the call answers only
/// once the other silos have it (<see cref="SnapshotAnnouncementFilter"/>).</summary>
public interface IAnnouncesSnapshots
{
    /// <summary>The announcement the last call started (completed when none), and forgets it.</summary>
    Task TakePendingAnnouncement();
}
