using Orleans.Runtime;

namespace Circul.Silo.Cluster;

/// <summary>Releases a semaphore on every change of Orleans' membership view, so that a periodic loop waiting on it
/// also runs at once when a silo joins or dies.</summary>
internal static class MembershipSignal
{
    public static async Task ReleaseOnChangeAsync(
        IClusterMembershipService membership, SemaphoreSlim signal, Action<Exception> onError, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var _ in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                signal.Release();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            onError(e);
        }
    }
}
