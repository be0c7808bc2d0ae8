using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Circul.Grains.Events;
using Circul.Grains.Panels;
using Circul.Silo.Cluster;

namespace Circul.Grains.Tests.Cluster;

/// <summary>A silo's sessions for grain tests: users "connected" here receive what the real gateway would send them,
/// found with the same audience resolution; every delivery is recorded in order.</summary>
public sealed class RecordingSessions : ILocalSessions
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<RecordedEvent>> _byUser = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _arrived = new(0);

    public void Connect(string userId) => _byUser.TryAdd(userId, new ConcurrentQueue<RecordedEvent>());

    public IReadOnlyList<RecordedEvent> EventsOf(string userId) =>
        _byUser.TryGetValue(userId, out var events) ? [.. events] : [];

    /// <summary>Waits until <paramref name="userId"/> has received an event matching <paramref name="match"/>.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> WaitForAsync(string userId, Func<IReadOnlyList<RecordedEvent>, bool> match, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var events = EventsOf(userId);
            if (match(events))
            {
                return events;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{userId} did not receive {what} within 15 s; got: {string.Join(", ", events.Select(e => e.Type))}");
            }

            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(100));
        }
    }

    public void Deliver(OutboundEvent outboundEvent, PanelSnapshot? after, PanelSnapshot? before)
    {
        var includes = AudienceResolver.Compile(outboundEvent.Audience, after, before);
        foreach (var (userId, events) in _byUser)
        {
            if (includes(userId))
            {
                events.Enqueue(new RecordedEvent(outboundEvent.Type, JsonDocument.Parse(outboundEvent.Envelope).RootElement.GetProperty("payload").Clone()));
                _arrived.Release();
            }
        }
    }

    public void CloseTokens(IReadOnlyCollection<string> tokenHashes, int closeCode, string reason)
    {
    }

    public void CloseUser(string userId, int closeCode, string reason) => _byUser.TryRemove(userId, out _);

    public void CloseAll(int closeCode, string reason) => _byUser.Clear();
}

public sealed record RecordedEvent(string Type, JsonElement Payload)
{
    public override string ToString() => $"{Type} {Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(Payload))}";
}
