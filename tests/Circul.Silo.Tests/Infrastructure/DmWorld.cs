namespace Circul.Silo.Tests.Infrastructure;

/// <summary>Two bots of one owner, a DM between them and the group that introduced them.</summary>
public sealed record DmWorld(BotClient Owner, BotClient A, BotClient B, string DmId, string GroupId);
