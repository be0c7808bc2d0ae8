using System.Collections.Concurrent;

namespace Circul.Actors.Tests.Infrastructure;

/// <summary>What test grains saw, and signals between grains and tests. Registered as a singleton.</summary>
public sealed class GrainProbe
{
    private readonly ConcurrentDictionary<string, int> _counters = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _logs = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _inside = [];
    private int _activationFailures;

    /// <summary>Most turns seen running at once for one key, over all keys.</summary>
    public int MaxConcurrentTurnsPerKey { get; private set; }

    /// <summary>When set, counter grains wait for the signal "release-deactivation" inside OnDeactivateAsync.</summary>
    public bool HoldDeactivation { get; set; }

    public int Increment(string counter) => _counters.AddOrUpdate(counter, 1, static (_, value) => value + 1);

    public int Count(string counter) => _counters.GetValueOrDefault(counter);

    public void Log(string key, string entry) => _logs.GetOrAdd(key, static _ => new ConcurrentQueue<string>()).Enqueue(entry);

    public IReadOnlyList<string> Entries(string key) => _logs.TryGetValue(key, out var log) ? [.. log] : [];

    public void Signal(string name) => GetSignal(name).TrySetResult();

    public Task WhenSignaled(string name) => GetSignal(name).Task;

    public void FailNextActivations(int count) => Interlocked.Exchange(ref _activationFailures, count);

    public bool TakeActivationFailure()
    {
        while (true)
        {
            var left = Volatile.Read(ref _activationFailures);
            if (left == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _activationFailures, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    public void EnterTurn(string key)
    {
        lock (_lock)
        {
            var inside = _inside.GetValueOrDefault(key) + 1;
            _inside[key] = inside;
            MaxConcurrentTurnsPerKey = Math.Max(MaxConcurrentTurnsPerKey, inside);
        }
    }

    public void ExitTurn(string key)
    {
        lock (_lock)
        {
            _inside[key]--;
        }
    }

    private TaskCompletionSource GetSignal(string name) =>
        _signals.GetOrAdd(name, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
