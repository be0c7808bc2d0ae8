namespace Circul.Grains.Accounts;

/// <summary>Who a valid token belongs to.</summary>
public sealed record AuthenticatedUser(string UserId, string TokenKind, string TokenHash)
{
    public bool IsBot => TokenKind == TokenKinds.Bot;
}
