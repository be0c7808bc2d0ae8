namespace Circul.Silo.Gateway;

/// <summary>One of a token's <see cref="GatewayOptions.MaxSocketsPerToken"/> places, held from before the upgrade
/// until the socket has ended. Disposing it gives the place back, once however often it is called.</summary>
internal sealed class GatewaySocketSlot(GatewayRegistry registry, string tokenHash) : IDisposable
{
    private int _released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            registry.ReleaseSocket(tokenHash);
        }
    }
}
