namespace Circul.Client.Tests.Infrastructure;

/// <summary>Records what a bot handler received and lets a test await an entry (with a timeout whose message lists
/// what did arrive) instead of sleeping.</summary>
public sealed class EventRecorder<T>(Func<T, string>? describe = null)
{
    private readonly List<T> _items = [];
    private readonly List<(Func<T, bool> Match, TaskCompletionSource<T> Done)> _waiters = [];
    private readonly Lock _lock = new();

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>A handler to subscribe: records and returns.</summary>
    public CirculEventHandler<T> Handler => (args, _) =>
    {
        Add(args);
        return Task.CompletedTask;
    };

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_lock)
            {
                return _items.ToList();
            }
        }
    }

    public void Add(T item)
    {
        List<TaskCompletionSource<T>> done = [];
        lock (_lock)
        {
            _items.Add(item);
            foreach (var waiter in _waiters.Where(w => w.Match(item)).ToList())
            {
                _waiters.Remove(waiter);
                done.Add(waiter.Done);
            }
        }

        foreach (var tcs in done)
        {
            tcs.TrySetResult(item);
        }
    }

    public async Task<T> WaitForAsync(Func<T, bool> match, string what, TimeSpan? timeout = null)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            var existing = _items.FirstOrDefault(match);
            if (existing is not null)
            {
                return existing;
            }

            _waiters.Add((match, tcs));
        }

        try
        {
            return await tcs.Task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"expected {what}; received: [{string.Join("; ", Items.Select(i => describe?.Invoke(i) ?? i?.ToString()))}]");
        }
    }

    public int Count(Func<T, bool> match)
    {
        lock (_lock)
        {
            return _items.Count(match);
        }
    }
}
