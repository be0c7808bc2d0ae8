using System.Globalization;
using System.Text;

namespace Circul.LoadTest;

/// <summary>
/// The body of a load-test message: its text carries the client's send time as a
/// <see cref="System.Diagnostics.Stopwatch"/> timestamp, so that every receiving socket (same process,
/// same clock) can measure send-to-delivery latency without a clock shared with the server.
/// </summary>
public static class MessageStamp
{
    public static byte[] CreateBody(long sentTimestamp, long sequence) =>
        Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"text\":\"t={sentTimestamp} n={sequence} load test message\"}}"));
}
