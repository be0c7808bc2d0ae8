using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Orleans.Runtime;

namespace Circul.Silo.Observability;

/// <summary>This silo's Orleans instruments (meter <c>Microsoft.Orleans</c>: activations, grain calls, messaging, directory,
/// membership) in Prometheus text. Counters and up-down counters are summed over their tags, histograms keep a count and
/// a sum, observable instruments are read at scrape time. Series names are the instrument names with <c>_</c> for
/// <c>-</c> (<c>orleans_catalog_activations</c>), so the set of series is fixed by Orleans, never by requests.</summary>
public sealed class OrleansMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();
    private readonly Lock _collectLock = new();

    /// <param name="instruments">This silo's Orleans meter: several silos in one process (tests) each have their own
    /// meter of the same name, and only this one's instruments are reported.</param>
    public OrleansMetrics(OrleansInstruments instruments)
    {
        var meter = instruments.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                _series.TryAdd(instrument, new Series(instrument));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<int>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<double>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<float>((i, v, _, _) => Record(i, v));
        _listener.Start();
    }

    /// <summary>The current value of one instrument (summed over tags); null when Orleans has not published it.</summary>
    public double? Value(string instrumentName)
    {
        Collect();
        foreach (var (instrument, series) in _series)
        {
            if (instrument.Name == instrumentName)
            {
                return series.Value;
            }
        }

        return null;
    }

    public void Write(StringBuilder output)
    {
        Collect();
        foreach (var series in _series.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            series.Write(output);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Collect()
    {
        lock (_collectLock)
        {
            foreach (var series in _series.Values)
            {
                series.BeginObservation();
            }

            _listener.RecordObservableInstruments();
        }
    }

    private void Record(Instrument instrument, double value)
    {
        if (_series.TryGetValue(instrument, out var series))
        {
            series.Add(value);
        }
    }

    private sealed class Series(Instrument instrument)
    {
        private readonly bool _observable = instrument.GetType().Name.StartsWith("Observable", StringComparison.Ordinal);
        private readonly bool _histogram = instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal);
        private readonly bool _gauge = instrument.GetType().Name is var n
            && (n.Contains("Gauge", StringComparison.Ordinal) || n.Contains("UpDown", StringComparison.Ordinal));
        private readonly Lock _lock = new();
        private double _value;
        private long _count;

        public string Name { get; } = "orleans_" + Sanitize(instrument.Name.StartsWith("orleans-", StringComparison.Ordinal) ? instrument.Name[8..] : instrument.Name);

        public double Value
        {
            get
            {
                lock (_lock)
                {
                    return _value;
                }
            }
        }

        public void BeginObservation()
        {
            if (_observable)
            {
                lock (_lock)
                {
                    _value = 0;
                }
            }
        }

        public void Add(double value)
        {
            lock (_lock)
            {
                _value += value;
                _count++;
            }
        }

        public void Write(StringBuilder output)
        {
            double value;
            long count;
            lock (_lock)
            {
                value = _value;
                count = _count;
            }

            var help = string.IsNullOrEmpty(instrument.Description) ? instrument.Name : instrument.Description.ReplaceLineEndings(" ");
            if (_histogram)
            {
                output.Append(CultureInfo.InvariantCulture, $"# HELP {Name} {help}\n# TYPE {Name} summary\n{Name}_count {count}\n{Name}_sum {value}\n");
                return;
            }

            var type = _gauge ? "gauge" : "counter";
            output.Append(CultureInfo.InvariantCulture, $"# HELP {Name} {help}\n# TYPE {Name} {type}\n{Name} {value}\n");
        }

        private static string Sanitize(string name)
        {
            var chars = name.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                if (!char.IsAsciiLetterOrDigit(chars[i]))
                {
                    chars[i] = '_';
                }
            }

            return new string(chars);
        }
    }
}
