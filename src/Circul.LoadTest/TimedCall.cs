using System.Diagnostics;

namespace Circul.LoadTest;

/// <summary>
/// The outcome of one measured REST call: HTTP status (0 with <see cref="Failure"/> for transport
/// failures), Stopwatch timestamps of the start and of the full response, the response size, the
/// error body for non-2xx answers, and the body of 2xx answers (for callers that need the result).
/// </summary>
public sealed record TimedCall(int Status, string? Failure, long StartedAt, long EndedAt, int ResponseBytes, string? ErrorBody, byte[]? Body)
{
    public bool Ok => Failure is null && Status is >= 200 and < 300;

    public long ElapsedTicks => EndedAt - StartedAt;

    public double ElapsedMilliseconds => ElapsedTicks * 1000.0 / Stopwatch.Frequency;

    public string Label => Failure ?? Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
