using System.Buffers.Binary;
using System.Text;

namespace Circul.Silo.Gateway;

/// <summary>RFC 6455 framing helpers for server frames (never masked, never fragmented).</summary>
internal static class WebSocketFraming
{
    public const int OpContinuation = 0x0;
    public const int OpText = 0x1;
    public const int OpBinary = 0x2;
    public const int OpClose = 0x8;
    public const int OpPing = 0x9;
    public const int OpPong = 0xA;

    public const int MaxControlPayload = 125;

    /// <summary>Room for one control frame (header and the largest control payload).</summary>
    public const int MaxControlFrame = 2 + MaxControlPayload;

    public static bool IsKnownOpcode(int opcode) =>
        opcode is OpContinuation or OpText or OpBinary or OpClose or OpPing or OpPong;

    public static int HeaderSize(long payloadLength) => payloadLength < 126 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10;

    /// <summary>Writes a final, unmasked frame header; returns its size.</summary>
    public static int WriteHeader(Span<byte> destination, int opcode, long payloadLength)
    {
        destination[0] = (byte)(0x80 | opcode);
        if (payloadLength < 126)
        {
            destination[1] = (byte)payloadLength;
            return 2;
        }

        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            return 4;
        }

        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
        return 10;
    }

    /// <summary>Writes a control frame (ping, pong) with a payload of at most 125 bytes; returns its size.</summary>
    public static int WriteControl(Span<byte> destination, int opcode, ReadOnlySpan<byte> payload)
    {
        var header = WriteHeader(destination, opcode, payload.Length);
        payload.CopyTo(destination[header..]);
        return header + payload.Length;
    }

    /// <summary>Builds a close frame: code (big-endian) and a reason cut to fit 125 bytes; no body when <paramref name="code"/> is null.</summary>
    public static byte[] BuildClose(int? code, string reason)
    {
        if (code is null)
        {
            return [0x80 | OpClose, 0];
        }

        var reasonBytes = Encoding.UTF8.GetBytes(reason);
        var reasonLength = Math.Min(reasonBytes.Length, MaxControlPayload - 2);
        var frame = new byte[2 + 2 + reasonLength];
        WriteHeader(frame, OpClose, 2 + reasonLength);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)code.Value);
        reasonBytes.AsSpan(0, reasonLength).CopyTo(frame.AsSpan(4));
        return frame;
    }

    /// <summary>XORs a client payload with its mask; <paramref name="offset"/> is the position of <paramref name="data"/> within the frame's payload.</summary>
    public static void Unmask(Span<byte> data, uint maskLittleEndian, long offset)
    {
        var shift = (int)(offset & 3);
        var mask = shift == 0 ? maskLittleEndian : (maskLittleEndian >> (8 * shift)) | (maskLittleEndian << (32 - (8 * shift)));
        var i = 0;
        if (BitConverter.IsLittleEndian)
        {
            for (; i + 4 <= data.Length; i += 4)
            {
                var word = BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
                BinaryPrimitives.WriteUInt32LittleEndian(data[i..], word ^ mask);
            }
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= (byte)(mask >> (8 * (i & 3)));
        }
    }
}
