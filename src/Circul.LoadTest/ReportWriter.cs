using System.Globalization;

namespace Circul.LoadTest;

/// <summary>Writes report lines with invariant number formatting, whatever the machine's culture.</summary>
public sealed class ReportWriter
{
    private readonly TextWriter _output;

    public ReportWriter(TextWriter output) => _output = output;

    public void Line(FormattableString line) => _output.WriteLine(line.ToString(CultureInfo.InvariantCulture));

    /// <summary>A line without placeholders (an interpolated string binds to the other overload).</summary>
    public void Plain(string line) => _output.WriteLine(line);
}
