using System.Text;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>How a raw connection ended, and the frames (opcode, payload) read before that.</summary>
public sealed record RawCloseResult(RawCloseKind Kind, int? Code, string Reason, IReadOnlyList<(int Opcode, byte[] Payload)> Frames)
{
    public IEnumerable<string> TextFrames => Frames.Where(f => f.Opcode == 0x1).Select(f => Encoding.UTF8.GetString(f.Payload));

    public int PingCount => Frames.Count(f => f.Opcode == 0x9);

    public override string ToString() =>
        $"{Kind}{(Code is null ? "" : " code " + Code)} '{Reason}' after {Frames.Count} frames ({PingCount} pings); text frames: " +
        string.Join(" | ", TextFrames.Take(5).Select(t => ApiResponse.Truncate(t, 200)));
}
