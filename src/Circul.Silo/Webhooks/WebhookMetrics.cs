using System.Globalization;
using System.Text;

namespace Circul.Silo.Webhooks;

/// <summary>This silo's webhook delivery counters for <c>/metrics</c>.</summary>
public sealed class WebhookMetrics
{
    private long _succeeded;
    private long _retried;
    private long _failed;
    private long _inFlight;

    public void AttemptStarted() => Interlocked.Increment(ref _inFlight);

    /// <summary>An attempt ended with <paramref name="status"/> (<c>pending</c> = another attempt scheduled).</summary>
    public void AttemptEnded(string? status)
    {
        Interlocked.Decrement(ref _inFlight);
        switch (status)
        {
            case Storage.WebhookDeliveryStatus.Succeeded:
                Interlocked.Increment(ref _succeeded);
                break;
            case Storage.WebhookDeliveryStatus.Pending:
                Interlocked.Increment(ref _retried);
                break;
            case Storage.WebhookDeliveryStatus.Failed:
                Interlocked.Increment(ref _failed);
                break;
        }
    }

    public void Write(StringBuilder output)
    {
        output.Append("# HELP circul_webhook_attempts_total Webhook delivery attempts on this silo, by outcome (retry: another attempt scheduled).\n");
        output.Append("# TYPE circul_webhook_attempts_total counter\n");
        output.Append(CultureInfo.InvariantCulture, $"circul_webhook_attempts_total{{outcome=\"succeeded\"}} {Interlocked.Read(ref _succeeded)}\n");
        output.Append(CultureInfo.InvariantCulture, $"circul_webhook_attempts_total{{outcome=\"retry\"}} {Interlocked.Read(ref _retried)}\n");
        output.Append(CultureInfo.InvariantCulture, $"circul_webhook_attempts_total{{outcome=\"failed\"}} {Interlocked.Read(ref _failed)}\n");
        output.Append("# HELP circul_webhook_attempts_in_flight Webhook delivery attempts running on this silo.\n");
        output.Append("# TYPE circul_webhook_attempts_in_flight gauge\n");
        output.Append(CultureInfo.InvariantCulture, $"circul_webhook_attempts_in_flight {Interlocked.Read(ref _inFlight)}\n");
    }
}
