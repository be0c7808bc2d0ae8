using Circul.Storage;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Circul.Grains.Hosting;

/// <summary>One place for stale-state conflicts (possible in a cluster while membership changes, when two activations
/// of one grain briefly coexist): the activation that lost the race is deactivated, so that the next call reloads the
/// state from storage, and the caller gets a 503 to retry instead of a 500.</summary>
public sealed class StateConflictFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (e is InconsistentStateException or StateConflictException)
        {
            context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "stale state"));
            throw new ApiException(503, "the resource changed concurrently; retry");
        }
    }
}
