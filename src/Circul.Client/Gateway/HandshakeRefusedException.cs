using System.Net;

namespace Circul.Client;

/// <summary>The server answered the upgrade request with an HTTP error instead of 101.</summary>
internal sealed class HandshakeRefusedException(HttpStatusCode status, TimeSpan? retryAfter, Exception inner)
    : Exception($"the gateway refused the connection with {(int)status}", inner)
{
    public HttpStatusCode Status { get; } = status;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
