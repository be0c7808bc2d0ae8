using System.Net;
using System.Net.Sockets;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>Listens on a loopback port and pipes every connection to another endpoint: lets a test make a database
/// "come up" at an address the silo was already configured with, cut a client's connections without the server
/// closing them (<see cref="DropConnections"/>), or point a client's fixed address at a restarted server
/// (<see cref="Retarget"/>).</summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private volatile int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _acceptLoop;
    private long _nextPipe;
    private long _stalledBelow;

    public TcpForwarder(int port, string targetHost, int targetPort)
    {
        Port = port;
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    /// <summary>The loopback port this forwarder listens on.</summary>
    public int Port { get; }

    /// <summary>A loopback port that nothing listens on (it was free a moment ago).</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>New connections go to <paramref name="port"/>; open ones stay where they are.</summary>
    public void Retarget(int port) => _targetPort = port;

    /// <summary>Cuts every open connection at the TCP level (no WebSocket close frame reaches either side).</summary>
    public void DropConnections()
    {
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                try
                {
                    // Linger 0: a reset, as when a network path dies, rather than an orderly FIN.
                    client.Client?.LingerState = new LingerOption(true, 0);
                }
                catch (Exception e) when (e is ObjectDisposedException or SocketException)
                {
                    // That pipe had already ended.
                }

                client.Dispose();
            }

            _clients.Clear();
        }
    }

    /// <summary>Open connections stop carrying bytes (both ways) but stay open: a dead network path that neither end
    /// has noticed. New connections work.</summary>
    public void StallConnections() => Interlocked.Exchange(ref _stalledBelow, Interlocked.Read(ref _nextPipe));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            var outbound = new TcpClient();
            lock (_clients)
            {
                _clients.Add(inbound);
                _clients.Add(outbound);
            }

            _ = PipeAsync(inbound, outbound, Interlocked.Increment(ref _nextPipe) - 1);
        }
    }

    private async Task PipeAsync(TcpClient inbound, TcpClient outbound, long pipe)
    {
        try
        {
            await outbound.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(CopyAsync(a, b, pipe), CopyAsync(b, a, pipe));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A side closed: close both.
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    private async Task CopyAsync(Stream from, Stream to, long pipe)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            if (pipe < Interlocked.Read(ref _stalledBelow))
            {
                // Stalled: swallow everything until the other direction ends or the forwarder stops.
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}
