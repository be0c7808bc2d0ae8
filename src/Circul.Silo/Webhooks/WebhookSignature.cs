using System.Security.Cryptography;
using System.Text;

namespace Circul.Silo.Webhooks;

/// <summary>The <c>X-Circul-Signature</c> of a delivery: <c>v1=</c> and the lowercase hex HMAC-SHA256 of
/// <c>"{timestamp}.{body}"</c>, keyed with the whole signing secret string (<c>cs_…</c>) as UTF-8.</summary>
public static class WebhookSignature
{
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
