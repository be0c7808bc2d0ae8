using Circul.Contracts;
using Circul.Storage;
using Orleans;
using Orleans.Concurrency;

namespace Circul.Grains.Panels;

/// <summary>Routes an invite accept to the invite's panel. Stateless: it reads the invite (the one read of it; the
/// panel then only counts the use, atomically), so any silo serves it locally.</summary>
[StatelessWorker]
public sealed class InviteGrain(IPanelStore store) : Grain, IInviteGrain
{
    public async Task<PanelDto> AcceptAsync(string userId)
    {
        var code = this.GetPrimaryKeyString();
        var invite = await store.GetInviteAsync(code) ?? throw ApiException.NotFound("invite");
        return await GrainFactory.GetGrain<IPanelGrain>(invite.PanelId).JoinByInviteAsync(userId, code);
    }
}
