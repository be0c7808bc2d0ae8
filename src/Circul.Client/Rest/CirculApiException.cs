using System.Net;

namespace Circul.Client;

/// <summary>A REST call the server refused: carries the HTTP status and the contract's <c>{"error": …}</c> text.</summary>
public class CirculApiException : Exception
{
    /// <summary>Creates the exception for one failed call.</summary>
    public CirculApiException(HttpStatusCode statusCode, string error, string method, string path)
        : base($"{method} /{path.TrimStart('/')} failed with {(int)statusCode}: {error}")
    {
        StatusCode = statusCode;
        Error = error;
        Method = method;
        Path = path;
    }

    /// <summary>The HTTP status (400, 401, 403, 404, 409, 413, 429, …).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The server's error description, e.g. <c>missing permission: send_messages</c>.</summary>
    public string Error { get; }

    /// <summary>The HTTP method of the call.</summary>
    public string Method { get; }

    /// <summary>The path of the call.</summary>
    public string Path { get; }
}
