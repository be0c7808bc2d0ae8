using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>
/// A WebSocket client written by hand over TCP, for what <see cref="System.Net.WebSockets.ClientWebSocket"/>
/// cannot do: never answer pings, never read (a slow consumer), or read the body of a refused upgrade.
/// </summary>
public sealed class RawWebSocketClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private byte[] _pending;

    private RawWebSocketClient(TcpClient tcp, NetworkStream stream, int status, string headers, byte[] leftover)
    {
        _tcp = tcp;
        _stream = stream;
        Status = status;
        Headers = headers;
        _pending = leftover;
    }

    /// <summary>HTTP status of the handshake answer (101 when upgraded).</summary>
    public int Status { get; }

    public string Headers { get; }

    /// <summary>The body of a refused handshake.</summary>
    public string Body { get; private set; } = "";

    /// <param name="receiveBufferSize">A small socket receive buffer keeps the TCP window small, so a client that
    /// never reads pushes back on the server quickly.</param>
    public static async Task<RawWebSocketClient> ConnectAsync(Uri baseUri, string token, int? receiveBufferSize = null)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        if (receiveBufferSize is not null)
        {
            tcp.ReceiveBufferSize = receiveBufferSize.Value;
        }

        using var cts = new CancellationTokenSource(GatewayClient.DefaultTimeout);
        await tcp.ConnectAsync(IPAddress.Loopback, baseUri.Port, cts.Token);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request =
            $"GET /ws?token={Uri.EscapeDataString(token)} HTTP/1.1\r\n" +
            $"Host: {baseUri.Host}:{baseUri.Port}\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\n" +
            "Sec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cts.Token);

        var buffer = new List<byte>();
        var chunk = new byte[4096];
        int headerEnd;
        while ((headerEnd = IndexOf(buffer, "\r\n\r\n"u8.ToArray())) < 0)
        {
            var read = await stream.ReadAsync(chunk, cts.Token);
            if (read == 0)
            {
                throw new IOException("connection closed during the WebSocket handshake");
            }

            buffer.AddRange(chunk.AsSpan(0, read).ToArray());
        }

        var headers = Encoding.ASCII.GetString(buffer.GetRange(0, headerEnd).ToArray());
        var statusLine = headers.Split("\r\n")[0];
        var status = int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var leftover = buffer.GetRange(headerEnd + 4, buffer.Count - headerEnd - 4).ToArray();
        var client = new RawWebSocketClient(tcp, stream, status, headers, leftover);
        if (status != 101)
        {
            await client.ReadRefusalBodyAsync(cts.Token);
        }

        return client;
    }

    /// <summary>
    /// Reads frames (answering nothing) until a close frame, the end of the stream or a reset.
    /// </summary>
    public async Task<RawCloseResult> ReadUntilClosedAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var frames = new List<(int Opcode, byte[] Payload)>();
        try
        {
            while (true)
            {
                var frame = await ReadFrameAsync(cts.Token);
                if (frame is null)
                {
                    return new RawCloseResult(RawCloseKind.EndOfStream, null, "", frames);
                }

                if (frame.Value.Opcode == 0x8)
                {
                    var payload = frame.Value.Payload;
                    int? code = payload.Length >= 2 ? (payload[0] << 8) | payload[1] : null;
                    var reason = payload.Length > 2 ? Encoding.UTF8.GetString(payload, 2, payload.Length - 2) : "";
                    return new RawCloseResult(RawCloseKind.CloseFrame, code, reason, frames);
                }

                frames.Add(frame.Value);
            }
        }
        catch (OperationCanceledException)
        {
            return new RawCloseResult(RawCloseKind.TimedOut, null, "", frames);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return new RawCloseResult(RawCloseKind.Reset, null, e.Message, frames);
        }
    }

    /// <summary>
    /// Reads frames and, for each protocol ping, sends a JSON <c>{"type":"ping"}</c> text frame instead of a pong:
    /// the contract counts any client frame as a sign of life. Returns after <paramref name="pings"/> pings, or
    /// early with the way the connection ended.
    /// </summary>
    public async Task<RawCloseResult?> AnswerPingsWithJsonPingsAsync(int pings, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var frames = new List<(int Opcode, byte[] Payload)>();
        var seen = 0;
        try
        {
            while (seen < pings)
            {
                var frame = await ReadFrameAsync(cts.Token);
                if (frame is null)
                {
                    return new RawCloseResult(RawCloseKind.EndOfStream, null, "", frames);
                }

                if (frame.Value.Opcode == 0x8)
                {
                    var payload = frame.Value.Payload;
                    int? code = payload.Length >= 2 ? (payload[0] << 8) | payload[1] : null;
                    return new RawCloseResult(RawCloseKind.CloseFrame, code, payload.Length > 2 ? Encoding.UTF8.GetString(payload, 2, payload.Length - 2) : "", frames);
                }

                frames.Add(frame.Value);
                if (frame.Value.Opcode == 0x9)
                {
                    seen++;
                    await SendTextAsync("""{"type":"ping"}""", cts.Token);
                }
            }

            return null;
        }
        catch (OperationCanceledException)
        {
            return new RawCloseResult(RawCloseKind.TimedOut, null, $"only {seen} of {pings} pings arrived", frames);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return new RawCloseResult(RawCloseKind.Reset, null, e.Message, frames);
        }
    }

    /// <summary>Sends one masked text frame, as a client must.</summary>
    public async Task SendTextAsync(string text, CancellationToken ct = default)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        if (payload.Length > 125)
        {
            throw new ArgumentException("only short frames are supported", nameof(text));
        }

        var mask = RandomNumberGenerator.GetBytes(4);
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = 0x81;
        frame[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        await _stream.WriteAsync(frame, ct);
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<(int Opcode, byte[] Payload)?> ReadFrameAsync(CancellationToken ct)
    {
        var head = await ReadExactlyOrEndAsync(2, ct);
        if (head is null)
        {
            return null;
        }

        var opcode = head[0] & 0x0F;
        long length = head[1] & 0x7F;
        var masked = (head[1] & 0x80) != 0;
        if (length == 126)
        {
            var ext = await ReadExactlyOrEndAsync(2, ct) ?? throw new IOException("truncated frame");
            length = (ext[0] << 8) | ext[1];
        }
        else if (length == 127)
        {
            var ext = await ReadExactlyOrEndAsync(8, ct) ?? throw new IOException("truncated frame");
            length = 0;
            foreach (var b in ext)
            {
                length = (length << 8) | b;
            }
        }

        var mask = masked ? await ReadExactlyOrEndAsync(4, ct) ?? throw new IOException("truncated frame") : null;
        var payload = await ReadExactlyOrEndAsync((int)length, ct) ?? throw new IOException("truncated frame");
        if (mask is not null)
        {
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] ^= mask[i % 4];
            }
        }

        return (opcode, payload);
    }

    private async Task<byte[]?> ReadExactlyOrEndAsync(int count, CancellationToken ct)
    {
        var result = new byte[count];
        var filled = 0;
        if (_pending.Length > 0)
        {
            var take = Math.Min(count, _pending.Length);
            Array.Copy(_pending, result, take);
            _pending = _pending[take..];
            filled = take;
        }

        while (filled < count)
        {
            var read = await _stream.ReadAsync(result.AsMemory(filled, count - filled), ct);
            if (read == 0)
            {
                return null;
            }

            filled += read;
        }

        return result;
    }

    private async Task ReadRefusalBodyAsync(CancellationToken ct)
    {
        var lines = Headers.Split("\r\n");
        var lengthLine = lines.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var chunked = lines.Any(l => l.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && l.Contains("chunked", StringComparison.OrdinalIgnoreCase));
        if (lengthLine is not null)
        {
            var length = int.Parse(lengthLine.Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Body = Encoding.UTF8.GetString(await ReadExactlyOrEndAsync(length, ct) ?? []);
        }
        else if (chunked)
        {
            var body = new List<byte>();
            while (true)
            {
                var sizeLine = await ReadLineAsync(ct);
                var size = Convert.ToInt32(sizeLine.Split(';')[0].Trim(), 16);
                if (size == 0)
                {
                    break;
                }

                body.AddRange(await ReadExactlyOrEndAsync(size, ct) ?? []);
                await ReadLineAsync(ct);
            }

            Body = Encoding.UTF8.GetString(body.ToArray());
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken ct)
    {
        var line = new List<byte>();
        while (true)
        {
            var b = await ReadExactlyOrEndAsync(1, ct) ?? throw new IOException("truncated chunked body");
            if (b[0] == '\n')
            {
                return Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
            }

            line.Add(b[0]);
        }
    }

    private static int IndexOf(List<byte> haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Count; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++)
            {
                match = haystack[i + j] == needle[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}
