namespace Circul.Client;

/// <summary>The last N keys seen (first-in, first-out): a message reaches the handlers once even when it arrives both
/// live and through a catch-up.</summary>
internal sealed class RecentKeys(int capacity)
{
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    /// <summary>True the first time <paramref name="key"/> is seen.</summary>
    public bool Add(string key)
    {
        lock (_lock)
        {
            if (!_set.Add(key))
            {
                return false;
            }

            _order.Enqueue(key);
            if (_order.Count > capacity)
            {
                _set.Remove(_order.Dequeue());
            }

            return true;
        }
    }
}
