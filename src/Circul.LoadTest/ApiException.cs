using System.Net;

namespace Circul.LoadTest;

/// <summary>The server answered a set-up request with something other than the contract's success status.</summary>
public sealed class ApiException : Exception
{
    public ApiException(string method, string path, HttpStatusCode status, string body)
        : base($"{method} {path} answered {(int)status} {status}: {Truncate(body)}")
    {
        Status = status;
    }

    public HttpStatusCode Status { get; }

    private static string Truncate(string body) => body.Length <= 300 ? body : body[..300] + "...";
}
