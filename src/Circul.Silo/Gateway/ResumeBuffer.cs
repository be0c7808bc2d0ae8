namespace Circul.Silo.Gateway;

/// <summary>
/// The last events of a session, oldest first, for replay on resume. Grows on demand up to its capacity, then
/// overwrites the oldest entry. Not thread-safe: the session's lock guards it.
/// </summary>
internal sealed class ResumeBuffer(int capacity)
{
    private const int InitialSize = 16;
    private ResumeEntry[] _entries = [];
    private int _head;
    private int _count;

    /// <summary>The highest seq no longer held (0 when nothing was ever evicted): a resume from a lower seq has a gap.</summary>
    public long EvictedUpTo { get; private set; }

    public int Count => _count;

    public void Add(long seq, ReadOnlyMemory<byte> body)
    {
        if (capacity == 0)
        {
            EvictedUpTo = seq;
            return;
        }

        if (_count == _entries.Length && _entries.Length < capacity)
        {
            Grow();
        }

        if (_count == _entries.Length)
        {
            EvictedUpTo = _entries[_head].Seq;
            _entries[_head] = new ResumeEntry(seq, body);
            _head = (_head + 1) % _entries.Length;
            return;
        }

        _entries[(_head + _count) % _entries.Length] = new ResumeEntry(seq, body);
        _count++;
    }

    /// <summary>Entry <paramref name="index"/>, 0 being the oldest.</summary>
    public ResumeEntry this[int index] => _entries[(_head + index) % _entries.Length];

    public void Clear()
    {
        _entries = [];
        _head = 0;
        _count = 0;
    }

    private void Grow()
    {
        var size = Math.Min(capacity, Math.Max(InitialSize, _entries.Length * 2));
        var grown = new ResumeEntry[size];
        for (var i = 0; i < _count; i++)
        {
            grown[i] = this[i];
        }

        _entries = grown;
        _head = 0;
    }
}
