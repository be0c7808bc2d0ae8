using System.Collections.Concurrent;

namespace Circul.LoadTest;

/// <summary>Counters of the send side, updated from many concurrent sends.</summary>
public sealed class SendStats
{
    private long _attempted;
    private long _accepted;
    private long _created;
    private long _measuredAttempted;
    private long _measuredAccepted;
    private long _inFlight;

    public long Attempted => Volatile.Read(ref _attempted);

    /// <summary>2xx answers: the message exists and must be delivered.</summary>
    public long Accepted => Volatile.Read(ref _accepted);

    /// <summary>201 answers, the contract's status for a created message.</summary>
    public long Created => Volatile.Read(ref _created);

    public long MeasuredAttempted => Volatile.Read(ref _measuredAttempted);

    public long MeasuredAccepted => Volatile.Read(ref _measuredAccepted);

    public long InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Every answer other than 201, by status code or failure kind.</summary>
    public ConcurrentDictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>POST to response, for sends started in the measured window.</summary>
    public LatencyHistogram HttpLatency { get; } = new();

    public long ErrorCount => Errors.Values.Sum();

    public void Started(bool measured)
    {
        Interlocked.Increment(ref _attempted);
        Interlocked.Increment(ref _inFlight);
        if (measured)
        {
            Interlocked.Increment(ref _measuredAttempted);
        }
    }

    public void Completed(SendResult result, bool measured)
    {
        Interlocked.Decrement(ref _inFlight);
        if (result.Accepted)
        {
            Interlocked.Increment(ref _accepted);
            if (measured)
            {
                Interlocked.Increment(ref _measuredAccepted);
            }
        }

        if (result.Failure is null && result.Status == 201)
        {
            Interlocked.Increment(ref _created);
        }
        else
        {
            Errors.AddOrUpdate(result.Label, 1, static (_, n) => n + 1);
        }

        if (measured)
        {
            HttpLatency.RecordConcurrent(LatencyHistogram.TicksToMicros(result.ElapsedTicks));
        }
    }
}
