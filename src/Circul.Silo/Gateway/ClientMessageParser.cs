using System.Text.Json;
using System.Text.Unicode;

namespace Circul.Silo.Gateway;

/// <summary>Classifies a client text message without allocating.</summary>
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
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ClientMessageKind.Invalid;
            }

            var kind = ClientMessageKind.Invalid;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                if (!reader.Read())
                {
                    return ClientMessageKind.Invalid;
                }

                if (isType)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return ClientMessageKind.Invalid;
                    }

                    kind = reader.ValueTextEquals("ping"u8) ? ClientMessageKind.Ping : ClientMessageKind.Other;
                }
                else
                {
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return ClientMessageKind.Invalid;
            }

            return kind;
        }
        catch (JsonException)
        {
            return ClientMessageKind.Invalid;
        }
    }
}
