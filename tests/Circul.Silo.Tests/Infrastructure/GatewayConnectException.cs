using System.Net;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>The gateway refused the upgrade; carries the HTTP status the server answered.</summary>
public sealed class GatewayConnectException(string message, HttpStatusCode status, Exception inner) : Exception(message, inner)
{
    public HttpStatusCode Status { get; } = status;
}
