using System.Buffers.Text;
using System.Text.Json;

namespace Circul.LoadTest;

/// <summary>
/// What the load tool reads from one gateway frame (<c>{"type", "payload", "seq"}</c>, API.md section 8),
/// parsed without building a DOM: this runs once per delivery, millions of times per run.
/// The spans point into the receive buffer and are valid until the next receive.
/// </summary>
public readonly ref struct GatewayFrame
{
    private static readonly byte[] StampPrefix = "t="u8.ToArray();
    private static readonly byte[] WarmupMarker = " warmup "u8.ToArray();
    private static readonly byte[] SiloPrefix = " s="u8.ToArray();

    public GatewayFrameKind Kind { get; init; }

    /// <summary>The message's room: <c>message.conv_id</c> (for panel messages the channel id).</summary>
    public ReadOnlySpan<byte> ConvId { get; init; }

    public ReadOnlySpan<byte> MessageId { get; init; }

    /// <summary>The sender's <see cref="System.Diagnostics.Stopwatch"/> timestamp carried in the text, or 0 if there is none.</summary>
    public long SentTimestamp { get; init; }

    /// <summary>The message was due during the warm-up (see <see cref="MessageStamp"/>): count it, do not time it.</summary>
    public bool Warmup { get; init; }

    /// <summary>The sender's <c>--url</c> index carried in the text (<c>s=</c>), or -1 if there is none.</summary>
    public int SenderSilo { get; init; }

    /// <summary>Parses a frame; returns false (and <see cref="GatewayFrameKind.Other"/>) for anything that is not valid JSON.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out GatewayFrame frame)
    {
        frame = default;
        try
        {
            var reader = new Utf8JsonReader(utf8, isFinalBlock: true, state: default);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var kind = GatewayFrameKind.Other;
            var kindKnown = false;
            var payloadStart = -1;
            var payloadEnd = -1;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    kind = reader.TokenType != JsonTokenType.String ? GatewayFrameKind.Other
                        : reader.ValueTextEquals("message_new"u8) ? GatewayFrameKind.MessageNew
                        : reader.ValueTextEquals("panel_message"u8) ? GatewayFrameKind.PanelMessage
                        : reader.ValueTextEquals("ready"u8) ? GatewayFrameKind.Ready
                        : reader.ValueTextEquals("panel_updated"u8) ? GatewayFrameKind.PanelUpdated
                        : GatewayFrameKind.Other;
                    kindKnown = true;
                }
                else if (reader.ValueTextEquals("payload"u8))
                {
                    reader.Read();
                    payloadStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    payloadEnd = (int)reader.BytesConsumed;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (!kindKnown)
            {
                return false;
            }

            if (kind is GatewayFrameKind.MessageNew or GatewayFrameKind.PanelMessage && payloadStart >= 0)
            {
                frame = ParseMessagePayload(kind, utf8[payloadStart..payloadEnd]);
            }
            else
            {
                frame = new GatewayFrame { Kind = kind, SenderSilo = -1 };
            }

            return true;
        }
        catch (JsonException)
        {
            frame = default;
            return false;
        }
    }

    /// <summary>Reads <c>t=&lt;ticks&gt;</c> from a message text written by <see cref="MessageStamp"/>.</summary>
    public static long ParseStamp(ReadOnlySpan<byte> text)
    {
        var at = text.IndexOf(StampPrefix);
        if (at < 0)
        {
            return 0;
        }

        return Utf8Parser.TryParse(text[(at + StampPrefix.Length)..], out long ticks, out _) ? ticks : 0;
    }

    /// <summary>Reads <c>s=&lt;index&gt;</c> (the sender's URL) from a message text written by <see cref="MessageStamp"/>; -1 if absent.</summary>
    public static int ParseSenderSilo(ReadOnlySpan<byte> text)
    {
        var at = text.IndexOf(SiloPrefix);
        if (at < 0)
        {
            return -1;
        }

        return Utf8Parser.TryParse(text[(at + SiloPrefix.Length)..], out int silo, out _) && silo >= 0 ? silo : -1;
    }

    private static GatewayFrame ParseMessagePayload(GatewayFrameKind kind, ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload, isFinalBlock: true, state: default);
        ReadOnlySpan<byte> convId = default;
        ReadOnlySpan<byte> messageId = default;
        long stamp = 0;
        var warmup = false;
        var senderSilo = -1;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return new GatewayFrame { Kind = kind, SenderSilo = -1 };
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("id"u8))
                    {
                        reader.Read();
                        messageId = reader.TokenType == JsonTokenType.String ? reader.ValueSpan : default;
                    }
                    else if (reader.ValueTextEquals("conv_id"u8))
                    {
                        reader.Read();
                        convId = reader.TokenType == JsonTokenType.String ? reader.ValueSpan : default;
                    }
                    else if (reader.ValueTextEquals("text"u8))
                    {
                        reader.Read();
                        stamp = reader.TokenType == JsonTokenType.String ? ParseStamp(reader.ValueSpan) : 0;
                        warmup = reader.TokenType == JsonTokenType.String && reader.ValueSpan.IndexOf(WarmupMarker) >= 0;
                        senderSilo = reader.TokenType == JsonTokenType.String ? ParseSenderSilo(reader.ValueSpan) : -1;
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else if (reader.ValueTextEquals("conv_id"u8) && convId.IsEmpty)
            {
                reader.Read();
                convId = reader.TokenType == JsonTokenType.String ? reader.ValueSpan : default;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new GatewayFrame { Kind = kind, ConvId = convId, MessageId = messageId, SentTimestamp = stamp, Warmup = warmup, SenderSilo = senderSilo };
    }
}
