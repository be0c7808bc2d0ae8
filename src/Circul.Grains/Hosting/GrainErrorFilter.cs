using System.Data.Common;
using Circul.Storage;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Circul.Grains.Hosting;

/// <summary>Infrastructure failures inside a grain call become a 503 <see cref="ApiException"/>, which crosses silos with
/// its status (a provider's exception type might not), so the caller retries instead of seeing a 500:
/// <list type="bullet">
/// <item>a stale-state conflict (possible in a cluster while membership changes, when two activations of one grain
/// briefly coexist): the activation that lost the race is deactivated, so that the next call reloads from storage;</item>
/// <item>the database unreachable or failing (PostgreSQL restarting, say): nothing was acknowledged, the client retries.</item>
/// </list></summary>
public sealed class GrainErrorFilter : IIncomingGrainCallFilter
{
    public const string StorageUnavailable = "storage unavailable";

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
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw new ApiException(503, StorageUnavailable);
        }
    }

    /// <summary>Whether <paramref name="exception"/> (or what it wraps) is the database failing rather than a bug.</summary>
    public static bool IsStorageFailure(Exception exception) => exception switch
    {
        DbException => true,
        System.Net.Sockets.SocketException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsStorageFailure),
        _ => exception.InnerException is { } inner && IsStorageFailure(inner),
    };
}
