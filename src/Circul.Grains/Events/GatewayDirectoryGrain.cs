using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Circul.Grains.Events;

/// <summary>See <see cref="IGatewayDirectoryGrain"/>. Calls only read and replace an immutable array, so they may
/// interleave.</summary>
[Reentrant]
public sealed class GatewayDirectoryGrain(IClusterMembershipService membership) : Grain, IGatewayDirectoryGrain
{
    private GatewayRegistration[] _registrations = [];

    public Task<GatewayRegistration[]> RegisterAsync(GatewayRegistration registration)
    {
        var known = _registrations.Any(r => r.Silo.Equals(registration.Silo) && r.Observer.Equals(registration.Observer));
        _registrations = [.. Live().Where(r => !r.Silo.Equals(registration.Silo)), registration];
        if (!known)
        {
            // The silos already here learn of the newcomer now, not at their next periodic refresh: events of their
            // rooms reach its sockets from its first one.
            foreach (var other in _registrations.Where(r => !r.Silo.Equals(registration.Silo)))
            {
                other.Observer.PeerRegisteredAsync(registration).Ignore();
            }
        }

        return Task.FromResult(_registrations);
    }

    public Task UnregisterAsync(SiloAddress silo)
    {
        _registrations = [.. _registrations.Where(r => !r.Silo.Equals(silo))];
        return Task.CompletedTask;
    }

    public Task<GatewayRegistration[]> ListAsync()
    {
        _registrations = [.. Live()];
        return Task.FromResult(_registrations);
    }

    /// <summary>Registrations whose silo Orleans does not consider dead (or gone from the membership table).</summary>
    private IEnumerable<GatewayRegistration> Live()
    {
        var members = membership.CurrentSnapshot.Members;
        return _registrations.Where(r => !members.TryGetValue(r.Silo, out var m) || m.Status != SiloStatus.Dead);
    }
}
