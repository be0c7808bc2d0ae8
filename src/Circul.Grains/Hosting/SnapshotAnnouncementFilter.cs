using Orleans;

namespace Circul.Grains.Hosting;

/// <summary>After a call to a grain that changed a panel's permission snapshot, waits (inside the call) until every silo
/// has been told of the new version, so that "the next message" after a permission change is checked against it on
/// whichever silo it is sent through.</summary>
public sealed class SnapshotAnnouncementFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        if (context.TargetContext.GrainInstance is IAnnouncesSnapshots grain)
        {
            await grain.TakePendingAnnouncement();
        }
    }
}
