using System.Net;

namespace Circul.Silo.Webhooks;

/// <summary>A webhook host resolved to an address the SSRF guard refuses (not retried: it would resolve the same).</summary>
public sealed class WebhookAddressRefusedException(string host, IPAddress address, string reason)
    : Exception($"refused to connect to {host} ({address}): {reason} address")
{
    public IPAddress Address { get; } = address;

    public string Reason { get; } = reason;
}
