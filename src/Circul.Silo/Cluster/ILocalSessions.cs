using Circul.Grains.Events;
using Circul.Grains.Panels;

namespace Circul.Silo.Cluster;

/// <summary>The sockets this silo holds, as the event path sees them (the gateway's <c>GatewayRegistry</c>).</summary>
public interface ILocalSessions
{
    /// <summary>Appends the event to every local session of every user in its audience. Never blocks.</summary>
    void Deliver(OutboundEvent outboundEvent, PanelSnapshot? after, PanelSnapshot? before);

    void CloseTokens(IReadOnlyCollection<string> tokenHashes, int closeCode, string reason);

    void CloseUser(string userId, int closeCode, string reason);

    /// <summary>Closes every socket; no session can be resumed.</summary>
    void CloseAll(int closeCode, string reason);
}
