namespace Circul.LoadTest;

/// <summary>A bot created for the run: its user id (the app id) and its raw token.</summary>
public sealed record BotIdentity(int Index, string Id, string Token)
{
    public string Authorization => "Bot " + Token;
}
