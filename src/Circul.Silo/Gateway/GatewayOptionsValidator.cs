using Microsoft.Extensions.Options;

namespace Circul.Silo.Gateway;

/// <summary>Rejects gateway settings that cannot work, at start-up.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        Require(failures, options.HeartbeatIntervalMs >= 10, "HeartbeatIntervalMs must be at least 10.");
        Require(failures, options.HeartbeatTimeoutMs >= 10, "HeartbeatTimeoutMs must be at least 10.");
        Require(failures, options.ResumeWindowSeconds >= 0, "ResumeWindowSeconds must not be negative.");
        Require(failures, options.ResumeBufferEvents >= 0, "ResumeBufferEvents must not be negative.");
        Require(failures, options.MaxQueuedEvents >= 1, "MaxQueuedEvents must be at least 1.");
        Require(failures, options.MaxQueuedBytes >= 1024, "MaxQueuedBytes must be at least 1024.");
        Require(failures, options.MaxClientFrameBytes is >= 16 and <= 16 * 1024 * 1024, "MaxClientFrameBytes must be between 16 and 16 MiB.");
        Require(failures, options.MaxClientFramesPerMinute >= 1, "MaxClientFramesPerMinute must be at least 1.");
        Require(failures, options.MaxSocketsPerToken >= 1, "MaxSocketsPerToken must be at least 1.");
        Require(failures, options.CloseTimeoutMs >= 10, "CloseTimeoutMs must be at least 10.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures.Select(f => "Circul:Gateway:" + f));
    }

    private static void Require(List<string> failures, bool condition, string message)
    {
        if (!condition)
        {
            failures.Add(message);
        }
    }
}
