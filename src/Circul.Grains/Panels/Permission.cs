using Orleans;

namespace Circul.Grains.Panels;

/// <summary>Panel permissions as bit flags.</summary>
[Flags]
[GenerateSerializer, Alias("circul.Permission")]
public enum Permission : long
{
    None = 0,
    ViewChannel = 1 << 0,
    SendMessages = 1 << 1,
    ReadMessageHistory = 1 << 2,
    AddReactions = 1 << 3,
    MentionEveryone = 1 << 4,
    ManageMessages = 1 << 5,
    ManageChannels = 1 << 6,
    ManageRoles = 1 << 7,
    ManagePanel = 1 << 8,
    CreateInvite = 1 << 9,
    KickMembers = 1 << 10,
    BanMembers = 1 << 11,
    Administrator = 1 << 12,
    All = (1 << 13) - 1,
}
