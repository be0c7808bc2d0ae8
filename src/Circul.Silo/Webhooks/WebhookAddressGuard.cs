using System.Net;
using System.Net.Sockets;

namespace Circul.Silo.Webhooks;

/// <summary>The SSRF guard of webhook deliveries: which addresses a delivery may connect to, decided at connect time on
/// every address the host name resolves to (so DNS answers and literal forms such as <c>[::ffff:127.0.0.1]</c> cannot
/// slip past a check of the URL's text), and the connection made to exactly the addresses checked.</summary>
public sealed class WebhookAddressGuard(bool allowPrivateNetworks)
{
    /// <summary>Why <paramref name="address"/> is refused (<c>loopback</c>, <c>private</c>, …), or null when it is a public
    /// unicast address. IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 forms are judged by the IPv4 address inside.</summary>
    public static string? Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                return Classify(address.MapToIPv4());
            }

            var b = address.GetAddressBytes();
            if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
            {
                return "unspecified";
            }

            if (address.Equals(IPAddress.IPv6Loopback))
            {
                return "loopback";
            }

            if (address.IsIPv6LinkLocal)
            {
                return "link-local";
            }

            if (address.IsIPv6SiteLocal)
            {
                return "site-local";
            }

            if (address.IsIPv6Multicast)
            {
                return "multicast";
            }

            if ((b[0] & 0xFE) == 0xFC)
            {
                return "private";
            }

            if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
            {
                return Classify(new IPAddress(b.AsSpan(12, 4))); // IPv4-compatible ::a.b.c.d
            }

            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            {
                return Classify(new IPAddress(b.AsSpan(12, 4))); // NAT64 64:ff9b::a.b.c.d
            }

            if (b[0] == 0x20 && b[1] == 0x02)
            {
                return Classify(new IPAddress(b.AsSpan(2, 4))); // 6to4 2002:aabb:ccdd::
            }

            return null;
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return "not an IP address";
        }

        var v4 = address.GetAddressBytes();
        return (v4[0], v4[1]) switch
        {
            (0, _) => "unspecified",
            (127, _) => "loopback",
            (10, _) => "private",
            (172, >= 16 and <= 31) => "private",
            (192, 168) => "private",
            (169, 254) => "link-local",
            (100, >= 64 and <= 127) => "private", // carrier-grade NAT, 100.64.0.0/10
            (192, 0) when v4[2] is 0 or 2 => "reserved",
            (198, 18 or 19) => "reserved",
            (198, 51) when v4[2] == 100 => "reserved",
            (203, 0) when v4[2] == 113 => "reserved",
            ( >= 224 and <= 239, _) => "multicast",
            ( >= 240, _) => "reserved", // includes the broadcast address
            _ => null,
        };
    }

    /// <summary><see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host, refuses the connection if any
    /// resolved address is not allowed, and connects to the checked addresses themselves (no second resolution).</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        var addresses = IPAddress.TryParse(bare, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(bare, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        if (!allowPrivateNetworks)
        {
            foreach (var address in addresses)
            {
                if (Classify(address) is { } reason)
                {
                    throw new WebhookAddressRefusedException(bare, address, reason);
                }
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
