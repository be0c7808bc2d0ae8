namespace Circul.Client;

/// <summary>A message handed to a handler, with the cached panel and channel and shortcuts to answer it.</summary>
public class MessageContext
{
    internal MessageContext(CirculBot bot, Message message, bool isCatchUp)
    {
        Bot = bot;
        Message = message;
        IsCatchUp = isCatchUp;
        Panel = message.PanelId is null ? null : bot.GetPanel(message.PanelId);
        Channel = message.ChannelId is null ? null : bot.GetChannel(message.ChannelId);
    }

    /// <summary>The bot.</summary>
    public CirculBot Bot { get; }

    /// <summary>The message.</summary>
    public Message Message { get; }

    /// <summary>The sender summary (check <see cref="MessageSender.IsBot"/>).</summary>
    public MessageSender Sender => Message.Sender;

    /// <summary>The message's text.</summary>
    public string Text => Message.Text;

    /// <summary>The room: DM/group id or channel id.</summary>
    public string RoomId => Message.ConvId;

    /// <summary>Whether the message was posted in a panel channel.</summary>
    public bool IsPanel => Message.PanelId is not null;

    /// <summary>The cached panel of a panel message (null outside panels).</summary>
    public Panel? Panel { get; }

    /// <summary>The cached channel of a panel message (null outside panels).</summary>
    public PanelChannel? Channel { get; }

    /// <summary>Whether the message mentions this bot.</summary>
    public bool MentionedMe => Bot.CurrentUser is { } me && Message.Mentions.Contains(me.Id);

    /// <summary>True when the message was posted while the bot was disconnected and reached it through the catch-up
    /// after a session restart rather than live.</summary>
    public bool IsCatchUp { get; }

    /// <summary>Posts a reply (a message with <c>reply_to_id</c>) in the same room.</summary>
    /// <param name="text">The text.</param>
    /// <param name="mentionSender">Also mention the sender (they get a <c>mention</c> event), as discord.py's <c>mention_author</c> and the Python SDK's <c>mention_sender</c> do; the text is sent as given.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<Message> ReplyAsync(string text, bool mentionSender = false, CancellationToken cancellationToken = default)
    {
        var options = new SendMessageOptions
        {
            ReplyToId = Message.Id,
            Mentions = mentionSender ? [Message.SenderId] : null,
        };
        return SendToRoomAsync(text, options, cancellationToken);
    }

    /// <summary>Posts a message in the same room (not as a reply).</summary>
    public Task<Message> SendAsync(string text, SendMessageOptions? options = null, CancellationToken cancellationToken = default) =>
        SendToRoomAsync(text, options, cancellationToken);

    /// <summary>Reacts to the message.</summary>
    public Task ReactAsync(string emoji, CancellationToken cancellationToken = default) =>
        Bot.Rest.AddReactionAsync(Message.Id, emoji, cancellationToken);

    private Task<Message> SendToRoomAsync(string text, SendMessageOptions? options, CancellationToken cancellationToken) =>
        Message.PanelId is { } panelId && Message.ChannelId is { } channelId
            ? Bot.Rest.SendChannelMessageAsync(panelId, channelId, text, options, cancellationToken)
            : Bot.Rest.SendMessageAsync(Message.ConvId, text, options, cancellationToken);
}
