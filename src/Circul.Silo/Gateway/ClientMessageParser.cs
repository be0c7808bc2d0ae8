using System.Text.Json;
using System.Text.Unicode;

namespace Circul.Silo.Gateway;

/// <summary>Classifies a client text message without allocating. API.md: client frames other than ping/pong are
/// ignored, and 4002 is for a frame the server cannot parse: so any well-formed JSON document is accepted (and
/// ignored unless it is an object whose top-level <c>type</c> is <c>"ping"</c>); only text that is not UTF-8 or
/// not one complete JSON document is <see cref="ClientMessageKind.Invalid"/>.</summary>
internal static class ClientMessageParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 32 };

    public static ClientMessageKind Parse(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            return ClientMessageKind.Invalid;
        }

        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        try
        {
            if (!reader.Read())
            {
                return ClientMessageKind.Invalid;
            }

            var kind = ClientMessageKind.Other;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isType = reader.ValueTextEquals("type"u8);
                    if (!reader.Read())
                    {
                        return ClientMessageKind.Invalid;
                    }

                    if (isType && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("ping"u8))
                    {
                        kind = ClientMessageKind.Ping;
                    }

                    reader.Skip();
                }
            }
            else
            {
                reader.Skip();
            }

            // One complete document and nothing after it.
            return reader.Read() ? ClientMessageKind.Invalid : kind;
        }
        catch (JsonException)
        {
            return ClientMessageKind.Invalid;
        }
    }
}
