using System.Globalization;
using System.Text;

namespace Circul.LoadTest;

/// <summary>
/// The body of a load-test message: its text carries the client's send time as a
/// <see cref="System.Diagnostics.Stopwatch"/> timestamp, so that every receiving socket (same process,
/// same clock) can measure send-to-delivery latency without a clock shared with the server. Sends that
/// were due during the warm-up carry the word <c>warmup</c>: they are counted but never measured, even
/// when they go out late, inside the measured window. <c>s=&lt;index&gt;</c> is the sender's <c>--url</c> (its index in the
/// list), so a receiving socket knows whether the delivery was same-silo or cross-silo.
/// </summary>
public static class MessageStamp
{
    public static byte[] CreateBody(long sentTimestamp, long sequence, bool warmup = false, int senderSilo = 0) =>
        Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"text\":\"t={sentTimestamp} n={sequence} s={senderSilo} {(warmup ? "warmup " : "")}load test message\"}}"));
}
