using System.Buffers.Text;

namespace Circul.Silo.Gateway;

/// <summary>One queued server text frame: a sequenced event (<c>{"seq":N,</c> + shared body) or an unsequenced one.
/// The body is shared between every recipient and never copied until it is written.</summary>
internal readonly struct OutgoingFrame(OutgoingFrameKind kind, long seq, ReadOnlyMemory<byte> body)
{
    /// <summary>Bytes charged against the queue's byte bound for one event besides its body (frame header and seq).</summary>
    public const int Overhead = 32;

    private static ReadOnlySpan<byte> SeqPrefix => "{\"seq\":"u8;

    public static OutgoingFrame Wake => new(OutgoingFrameKind.Wake, 0, ReadOnlyMemory<byte>.Empty);

    public OutgoingFrameKind Kind { get; } = kind;

    public long Seq { get; } = seq;

    public ReadOnlyMemory<byte> Body { get; } = body;

    /// <summary>What this frame counts against <see cref="GatewayOptions.MaxQueuedBytes"/>.</summary>
    public long QueuedSize => Body.Length + Overhead;

    public int PayloadLength => Kind == OutgoingFrameKind.Sequenced
        ? SeqPrefix.Length + DigitCount(Seq) + 1 + Body.Length
        : 1 + Body.Length;

    public int FrameLength
    {
        get
        {
            var payload = PayloadLength;
            return WebSocketFraming.HeaderSize(payload) + payload;
        }
    }

    /// <summary>Writes the whole frame; returns its size. <paramref name="destination"/> holds at least <see cref="FrameLength"/> bytes.</summary>
    public int WriteTo(Span<byte> destination)
    {
        var position = WebSocketFraming.WriteHeader(destination, WebSocketFraming.OpText, PayloadLength);
        if (Kind == OutgoingFrameKind.Sequenced)
        {
            SeqPrefix.CopyTo(destination[position..]);
            position += SeqPrefix.Length;
            Utf8Formatter.TryFormat(Seq, destination[position..], out var digits);
            position += digits;
            destination[position++] = (byte)',';
        }
        else
        {
            destination[position++] = (byte)'{';
        }

        Body.Span.CopyTo(destination[position..]);
        return position + Body.Length;
    }

    private static int DigitCount(long value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }
}
