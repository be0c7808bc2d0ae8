using System.Diagnostics;
using System.Globalization;

namespace Circul.LoadTest;

/// <summary>
/// CPU time of another process on the same machine (the silo, <c>--server-pid</c>), read from Linux
/// <c>/proc/PID/stat</c>: user + system time in clock ticks (<c>getconf CLK_TCK</c>, normally 100 a
/// second, so a reading is good to 10 ms).
/// </summary>
public static class ProcessCpu
{
    private static readonly Lazy<int> TicksPerSecondValue = new(ReadTicksPerSecond);

    /// <summary>Clock ticks per second of <c>/proc/PID/stat</c> times: <c>getconf CLK_TCK</c>, or 100 when that fails.</summary>
    public static int TicksPerSecond => TicksPerSecondValue.Value;

    /// <summary>The process's utime + stime in clock ticks, or null when it is gone or unreadable (then <paramref name="error"/> says why).</summary>
    public static long? ReadTicks(int pid, out string error)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"/proc/{pid}/stat is not readable ({ex.GetType().Name}: no such process, or not Linux)";
            return null;
        }

        if (TryParseStat(text, out var ticks))
        {
            error = "";
            return ticks;
        }

        error = $"/proc/{pid}/stat has an unexpected format";
        return null;
    }

    /// <summary>
    /// utime + stime from the text of <c>/proc/PID/stat</c>. The command name (field 2) is in parentheses
    /// and may contain spaces and ')', so fields are counted from the last ')': after it come field 3
    /// (state), ... field 14 (utime) and field 15 (stime).
    /// </summary>
    public static bool TryParseStat(string text, out long ticks)
    {
        ticks = 0;
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }

        var fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int utime = 14 - 3, stime = 15 - 3;
        if (fields.Length <= stime
            || !long.TryParse(fields[utime], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            || !long.TryParse(fields[stime], NumberStyles.None, CultureInfo.InvariantCulture, out var system))
        {
            return false;
        }

        ticks = user + system;
        return true;
    }

    private static int ReadTicksPerSecond()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return 100;
            }

            var output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(5000))
            {
                process.Kill();
                return 100;
            }

            return process.ExitCode == 0 && int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var hz) && hz > 0 ? hz : 100;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return 100;
        }
    }
}

/// <summary>One reading of the silo's CPU time, with the moment it was taken (Stopwatch timestamp).</summary>
public readonly record struct CpuSample(long Ticks, long At);

/// <summary>The silo's CPU readings around the measured window; a missing reading comes with <see cref="Error"/>.</summary>
public sealed record ServerCpuWindow(int Pid, int TicksPerSecond, CpuSample? Start, CpuSample? End, string Error);
