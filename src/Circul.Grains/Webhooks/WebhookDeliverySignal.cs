namespace Circul.Grains.Webhooks;

/// <summary>Wakes this silo's delivery worker when a delivery was recorded here (other silos' deliveries are found by
/// its periodic poll). One per silo.</summary>
public sealed class WebhookDeliverySignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Asks the worker to look for due deliveries now (several calls before it looks count once).</summary>
    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>Waits for <see cref="Notify"/> or the timeout; true when notified.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
