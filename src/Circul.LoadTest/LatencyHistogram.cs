using System.Diagnostics;
using System.Numerics;

namespace Circul.LoadTest;

/// <summary>
/// A log-linear histogram of durations in microseconds (HdrHistogram's layout, simplified): exact
/// below 128 µs, then 64 buckets per power of two, so every recorded value is kept within 1 %.
/// Memory stays fixed however many values are recorded, so it can count millions of deliveries.
/// <see cref="Record"/> is for one thread; <see cref="RecordConcurrent"/> may be called from many.
/// </summary>
public sealed class LatencyHistogram
{
    private const int LinearLimit = 128;
    private const int SubBuckets = 64;
    private const int MaxShift = 40;
    private const int BucketCount = LinearLimit + (MaxShift * SubBuckets);

    private readonly long[] _counts = new long[BucketCount];
    private long _count;
    private long _maxMicros;

    public long Count => Volatile.Read(ref _count);

    public double MaxMilliseconds => Volatile.Read(ref _maxMicros) / 1000.0;

    public static long TicksToMicros(long stopwatchTicks) =>
        stopwatchTicks <= 0 ? 0 : (long)(stopwatchTicks * (1_000_000.0 / Stopwatch.Frequency));

    public void Record(long micros)
    {
        micros = Math.Max(0, micros);
        _counts[IndexOf(micros)]++;
        _count++;
        if (micros > _maxMicros)
        {
            _maxMicros = micros;
        }
    }

    public void RecordConcurrent(long micros)
    {
        micros = Math.Max(0, micros);
        Interlocked.Increment(ref _counts[IndexOf(micros)]);
        Interlocked.Increment(ref _count);
        var max = Volatile.Read(ref _maxMicros);
        while (micros > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxMicros, micros, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>Adds another histogram's values to this one; call once recording has stopped.</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        _count += other._count;
        _maxMicros = Math.Max(_maxMicros, other._maxMicros);
    }

    /// <summary>The value at or below which <paramref name="percentile"/> % of the values fall, in ms (a bucket's upper edge).</summary>
    public double PercentileMilliseconds(double percentile)
    {
        if (_count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(percentile / 100.0 * _count);
        rank = Math.Clamp(rank, 1, _count);
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperEdgeMicros(i), _maxMicros) / 1000.0;
            }
        }

        return _maxMicros / 1000.0;
    }

    private static int IndexOf(long micros)
    {
        if (micros < LinearLimit)
        {
            return (int)micros;
        }

        var msb = 63 - BitOperations.LeadingZeroCount((ulong)micros);
        var shift = Math.Min(msb - 6, MaxShift);
        var sub = Math.Min(micros >> shift, (2 * SubBuckets) - 1) - SubBuckets;
        return LinearLimit + ((shift - 1) * SubBuckets) + (int)sub;
    }

    private static long UpperEdgeMicros(int index)
    {
        if (index < LinearLimit)
        {
            return index;
        }

        var shift = ((index - LinearLimit) / SubBuckets) + 1;
        var sub = ((index - LinearLimit) % SubBuckets) + SubBuckets;
        return ((sub + 1L) << shift) - 1;
    }
}
