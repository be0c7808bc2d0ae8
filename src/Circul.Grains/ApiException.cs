using Orleans;

namespace Circul.Grains;

/// <summary>A domain failure with the HTTP status it maps to; the host turns it into <c>{ "error": message }</c>.
/// Serialized by Orleans with its status, so a grain on another silo fails the request with the same answer.</summary>
[GenerateSerializer, Alias("circul.ApiException")]
public sealed class ApiException : Exception
{
    public ApiException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    [Id(0)]
    public int StatusCode { get; private set; }

    public static ApiException BadRequest(string message) => new(400, message);

    public static ApiException Unauthorized(string message = "invalid token") => new(401, message);

    public static ApiException Forbidden(string message) => new(403, message);

    public static ApiException NotFound(string what) => new(404, $"{what} not found");

    public static ApiException Conflict(string message) => new(409, message);

    public static ApiException TooLarge(string message) => new(413, message);
}
