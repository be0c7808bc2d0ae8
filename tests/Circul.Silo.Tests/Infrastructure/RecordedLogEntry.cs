using Microsoft.Extensions.Logging;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>One log call as <see cref="RecordingLoggerProvider"/> saw it.</summary>
public sealed record RecordedLogEntry(DateTimeOffset At, string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)
{
    public override string ToString() =>
        $"{At:HH:mm:ss.fff} {Level} {Category}[{EventId.Id}] {Message}{(Exception is null ? "" : " | " + Exception.GetType().Name + ": " + Exception.Message)}";
}
