using System.Globalization;

namespace Circul.LoadTest;

/// <summary>
/// The machine's load average (Linux <c>/proc/loadavg</c>) and CPU count, printed next to the figures:
/// the tool shares the machine with the silo (and, on ours, with other people's test runs).
/// </summary>
public static class MachineLoad
{
    /// <summary>"1-min 3.12, 5-min 2.80, 15-min 2.10 on 2 CPUs", or "unknown" where there is no /proc/loadavg.</summary>
    public static string Read()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 3)
            {
                return string.Create(CultureInfo.InvariantCulture, $"load average {parts[0]}, {parts[1]}, {parts[2]} on {Environment.ProcessorCount} CPUs");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or not readable.
        }

        return $"load average unknown, {Environment.ProcessorCount} CPUs";
    }
}
