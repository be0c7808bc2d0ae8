using Orleans;

namespace Circul.Grains.Events;

/// <summary>Who an event is for, as data the receiving silo resolves against its own sessions.</summary>
[GenerateSerializer, Alias("circul.AudienceKind")]
public enum AudienceKind
{
    /// <summary>Exactly <see cref="EventAudience.UserIds"/> (a user's contacts, a conversation's members).</summary>
    Users,

    /// <summary>Members of the panel at the snapshot version (or those of <see cref="EventAudience.UserIds"/> who are).</summary>
    PanelMembers,

    /// <summary>Members who can view the channel at the snapshot version.</summary>
    ChannelViewers,

    /// <summary>Members who could view the channel at <see cref="EventAudience.BeforeVersion"/> and still can.</summary>
    ChannelKeptView,

    /// <summary>Members who could view the channel at <see cref="EventAudience.BeforeVersion"/> and no longer can.</summary>
    ChannelLostView,

    /// <summary>Members who could not view the channel at <see cref="EventAudience.BeforeVersion"/> and now can.</summary>
    ChannelGainedView,

    /// <summary>Members whose role set is one of <see cref="EventAudience.RoleSetKeys"/> (and the creator when
    /// <see cref="EventAudience.IncludeCreator"/>): one per-viewer variant of <c>panel_updated</c>.</summary>
    PanelRoleSets,
}
