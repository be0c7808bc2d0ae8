namespace Circul.Grains.Events;

/// <summary>Lets account operations close the sockets of revoked tokens or deleted users.</summary>
public interface IGatewayControl
{
    /// <summary>Closes every socket opened with one of these token hashes.</summary>
    void CloseTokens(IReadOnlyCollection<string> tokenHashes, int closeCode, string reason);

    /// <summary>Closes every socket of a user.</summary>
    void CloseUser(string userId, int closeCode, string reason);
}
