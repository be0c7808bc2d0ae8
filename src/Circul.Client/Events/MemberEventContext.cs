namespace Circul.Client;

/// <summary><c>panel_member_joined</c> or <c>panel_member_left</c>, with the cached panel (already updated).</summary>
public sealed class MemberEventContext
{
    internal MemberEventContext(CirculBot bot, string panelId, string userId)
    {
        Bot = bot;
        PanelId = panelId;
        UserId = userId;
        Panel = bot.GetPanel(panelId);
    }

    /// <summary>The bot.</summary>
    public CirculBot Bot { get; }

    /// <summary>The panel.</summary>
    public string PanelId { get; }

    /// <summary>The member who joined or left.</summary>
    public string UserId { get; }

    /// <summary>Whether the member is this bot (it was added to, or removed from, the panel).</summary>
    public bool IsMe => Bot.CurrentUser?.Id == UserId;

    /// <summary>The cached panel (null when the bot itself left).</summary>
    public Panel? Panel { get; }

    /// <summary>The panel's cached channels, in order.</summary>
    public IReadOnlyList<PanelChannel> Channels => Bot.GetChannels(PanelId);

    /// <summary>The channel named <c>general</c>, else the first channel, else null.</summary>
    public PanelChannel? DefaultChannel =>
        Channels.FirstOrDefault(c => string.Equals(c.Name, "general", StringComparison.OrdinalIgnoreCase)) ?? Channels.FirstOrDefault();

    /// <summary>Posts in one of the panel's channels.</summary>
    public Task<Message> SendAsync(string channelId, string text, SendMessageOptions? options = null, CancellationToken cancellationToken = default) =>
        Bot.Rest.SendChannelMessageAsync(PanelId, channelId, text, options, cancellationToken);
}
