using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>Records every log call that passes the host's filters, so a test can assert on levels, exceptions and
/// wording (e.g. that no secret is logged).</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<RecordedLogEntry> _entries = new();

    public IReadOnlyList<RecordedLogEntry> Entries => [.. _entries];

    /// <summary>The entries recorded at or after <paramref name="since"/>.</summary>
    public IReadOnlyList<RecordedLogEntry> Since(DateTimeOffset since) => [.. _entries.Where(e => e.At >= since)];

    /// <summary>The entries, one a line, for failure messages.</summary>
    public static string Describe(IEnumerable<RecordedLogEntry> entries) => string.Join("\n", entries.Select(e => "  " + e));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider._entries.Enqueue(new RecordedLogEntry(DateTimeOffset.UtcNow, category, logLevel, eventId, formatter(state, exception), exception));
    }
}
