namespace Circul.Grains.Webhooks;

/// <summary>A consumer API failure: the answer is <c>{ "success": false, "message": Message, "error": Error }</c>
/// (<c>error</c> only when set) with <see cref="StatusCode"/>.</summary>
public sealed class ConsumerApiException(int statusCode, string message, string? error = null) : Exception(message)
{
    public const string ConflictMessage =
        "Error: Bots cannot be configured to trigger on every message when message visibility is set to private. " +
        "Either change the bot trigger to \"mention\" or set the message visibility to \"public\".";

    public int StatusCode { get; } = statusCode;

    public string? Error { get; } = error;

    public static ConsumerApiException Invalid(string error) => new(400, "invalid request", error);

    public static ConsumerApiException Unauthorized() => new(401, "unauthorized");

    public static ConsumerApiException NotFound(string what) => new(404, $"{what} not found");
}
