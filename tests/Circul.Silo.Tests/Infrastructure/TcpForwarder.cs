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

            _ = PipeAsync(inbound, outbound);
        }
    }

    private async Task PipeAsync(TcpClient inbound, TcpClient outbound)
    {
        try
        {
            await outbound.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
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
}
