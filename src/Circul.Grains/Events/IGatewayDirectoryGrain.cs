using Orleans;
using Orleans.Runtime;

namespace Circul.Grains.Events;

/// <summary>The cluster's list of gateway observers, one per silo (key 0). Held in memory only: silos register again
/// every few seconds, so the list comes back after the grain is deactivated or its silo dies; silos that Orleans'
/// membership declares dead are left out.</summary>
[Alias("circul.IGatewayDirectoryGrain")]
public interface IGatewayDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Register")]
    Task<GatewayRegistration[]> RegisterAsync(GatewayRegistration registration);

    [Alias("Unregister")]
    Task UnregisterAsync(SiloAddress silo);

    [Alias("List")]
    Task<GatewayRegistration[]> ListAsync();
}
