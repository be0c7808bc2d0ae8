using System.Security.Cryptography;
using System.Text;

namespace Circul.Grains;

/// <summary>Random and derived ids with their type prefixes.</summary>
public static class Ids
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuv";

    /// <summary>A random id: the prefix and 20 base-32 characters (100 bits).</summary>
    public static string NewId(string prefix)
    {
        return string.Create(prefix.Length + 20, prefix, static (span, p) =>
        {
            p.AsSpan().CopyTo(span);
            Span<byte> b = stackalloc byte[20];
            RandomNumberGenerator.Fill(b);
            for (var i = 0; i < 20; i++)
            {
                span[p.Length + i] = Alphabet[b[i] & 31];
            }
        });
    }

    /// <summary>The DM key of two users: their ids sorted ordinally, joined by '|'.</summary>
    public static string DmKey(string a, string b) => string.CompareOrdinal(a, b) < 0 ? $"{a}|{b}" : $"{b}|{a}";

    /// <summary>The DM's conversation id is derived from its key, so opening it is idempotent without a lookup.</summary>
    public static string DmId(string dmKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(dmKey));
        return "c-dm" + Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }
}
