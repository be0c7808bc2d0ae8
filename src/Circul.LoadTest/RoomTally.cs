namespace Circul.LoadTest;

/// <summary>What one socket received in one room: how many messages, and whether their ids kept increasing.</summary>
public sealed class RoomTally
{
    private byte[] _lastId = new byte[64];
    private int _lastIdLength;

    public long Received { get; private set; }

    /// <summary>Messages whose id sorted before the previous one's: delivered out of order.</summary>
    public long OutOfOrder { get; private set; }

    /// <summary>Messages with the same id as the one just before: delivered twice.</summary>
    public long Duplicates { get; private set; }

    public void Add(ReadOnlySpan<byte> messageId)
    {
        Received++;
        if (messageId.IsEmpty)
        {
            return;
        }

        var order = _lastIdLength == 0 ? 1 : messageId.SequenceCompareTo(_lastId.AsSpan(0, _lastIdLength));
        if (order <= 0)
        {
            if (order == 0)
            {
                Duplicates++;
            }
            else
            {
                OutOfOrder++;
            }

            return;
        }

        if (messageId.Length > _lastId.Length)
        {
            _lastId = new byte[messageId.Length * 2];
        }

        messageId.CopyTo(_lastId);
        _lastIdLength = messageId.Length;
    }
}
