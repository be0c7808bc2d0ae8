using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Circul.Grains.Conversations;

namespace Circul.Grains.Rooms;

/// <summary>What an Idempotency-Key is bound to: a SHA-256 (lowercase hex) of the room and the validated body (text,
/// bold, italic, mentions, reply_to_id, and visible_to when set). A retry hashes the same; the key reused for another
/// room or body does not.</summary>
public static class SendFingerprint
{
    public static string Compute(string roomId, MessageDraft draft)
    {
        // A JSON array is an unambiguous encoding of the fields: no separator can be forged inside a string.
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteNumberValue(1); // the encoding's version
            json.WriteStringValue(roomId);
            json.WriteStringValue(draft.Text);
            json.WriteBooleanValue(draft.Bold);
            json.WriteBooleanValue(draft.Italic);
            json.WriteStartArray();
            // Mentions are a set: a client that builds them from a set may send them in another order on retry.
            foreach (var mention in draft.Mentions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                json.WriteStringValue(mention);
            }

            json.WriteEndArray();
            json.WriteStringValue(draft.ReplyToId);
            if (draft.VisibleTo is not null)
            {
                // Only when set, so that the fingerprints of public sends stay what they were.
                json.WriteStringValue(draft.VisibleTo);
            }

            json.WriteEndArray();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }
}
