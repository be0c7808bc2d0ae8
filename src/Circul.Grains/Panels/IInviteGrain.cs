using Circul.Contracts;
using Orleans;

namespace Circul.Grains.Panels;

/// <summary>One per invite code: finds the code's panel and joins it. Calls flow Invite → Panel, never back.</summary>
[Alias("circul.IInviteGrain")]
public interface IInviteGrain : IGrainWithStringKey
{
    /// <summary>Joins <paramref name="userId"/> to the invite's panel (404 for unknown codes); the panel validates and
    /// counts the use.</summary>
    Task<PanelDto> AcceptAsync(string userId);
}
