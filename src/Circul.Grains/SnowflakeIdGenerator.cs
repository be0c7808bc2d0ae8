using System.Globalization;

namespace Circul.Grains;

/// <summary>Message ids: 41 bits of milliseconds since 2026-01-01, 10 bits of silo number, 12 bits of sequence,
/// written as 16 lowercase hex digits after <c>msg-</c>, so ordinal string order is acceptance order.
/// Unique without coordination across silos (each silo has its own number).</summary>
public sealed class SnowflakeIdGenerator(TimeProvider timeProvider)
{
    private static readonly long Epoch = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private readonly Lock _lock = new();
    private long _lastMs = -1;
    private long _sequence;

    /// <summary>This silo's number (0..1023), set at start-up from the silos table.</summary>
    public int SiloNumber { get; set; }

    /// <summary>The acceptance time encoded in a message id.</summary>
    public static DateTimeOffset TimestampOf(string id)
    {
        var hex = id.AsSpan(id.IndexOf('-') + 1);
        var value = long.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return DateTimeOffset.FromUnixTimeMilliseconds((value >> 22) + Epoch);
    }

    /// <summary>The position of an instant on the scale of message ids (the 16 hex digits after the prefix), as
    /// the lowest id that could be issued in that millisecond: lets creation times and message ids sort together.</summary>
    public static string SortKeyAt(DateTimeOffset time) =>
        (Math.Max(time.ToUnixTimeMilliseconds() - Epoch, 0) << 22).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>The sortable part of a message id (its 16 hex digits).</summary>
    public static string SortKeyOf(string messageId) => messageId[(messageId.IndexOf('-') + 1)..];

    public string NextId(string prefix = "msg-")
    {
        long value;
        lock (_lock)
        {
            var now = Math.Max(timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - Epoch, 0);
            if (now < _lastMs)
            {
                now = _lastMs; // the clock went back: keep ids increasing
            }

            if (now == _lastMs)
            {
                _sequence = (_sequence + 1) & 0xFFF;
                if (_sequence == 0)
                {
                    now = ++_lastMs; // 4,096 ids in one millisecond: borrow the next one
                }
            }
            else
            {
                _sequence = 0;
            }

            _lastMs = now;
            value = (now << 22) | ((long)(SiloNumber & 0x3FF) << 12) | _sequence;
        }

        return prefix + value.ToString("x16", CultureInfo.InvariantCulture);
    }
}
