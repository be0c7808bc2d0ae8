using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Circul.Silo.Gateway;

/// <summary>The server side of the RFC 6455 opening handshake.</summary>
internal static class WebSocketHandshake
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>Checks an upgrade request; returns the error to answer with 400, or null with the client's key.</summary>
    public static string? Validate(HttpRequest request, IHttpUpgradeFeature? upgrade, out string key)
    {
        key = "";
        var headers = request.Headers;
        if (!HttpMethods.IsGet(request.Method) || upgrade is null || !upgrade.IsUpgradableRequest
            || !HasToken(headers.Upgrade, "websocket") || !HasToken(headers.Connection, "upgrade"))
        {
            return "expected a WebSocket upgrade";
        }

        if (!string.Equals(headers.SecWebSocketVersion.ToString(), "13", StringComparison.Ordinal))
        {
            return "unsupported Sec-WebSocket-Version (expected 13)";
        }

        var candidate = headers.SecWebSocketKey.ToString().Trim();
        Span<byte> decoded = stackalloc byte[24];
        if (!Convert.TryFromBase64String(candidate, decoded, out var length) || length != 16)
        {
            return "invalid Sec-WebSocket-Key";
        }

        key = candidate;
        return null;
    }

    /// <summary>Sets the 101 answer's headers (Kestrel's upgrade sends the status).</summary>
    public static void Accept(HttpResponse response, string key)
    {
        response.Headers.Connection = "Upgrade";
        response.Headers.Upgrade = "websocket";
        response.Headers.SecWebSocketAccept = ComputeAccept(key);
    }

    public static string ComputeAccept(string key)
    {
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid), hash);
        return Convert.ToBase64String(hash);
    }

    private static bool HasToken(StringValues values, string token)
    {
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (string.Equals(part, token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
