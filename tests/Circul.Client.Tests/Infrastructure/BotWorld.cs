namespace Circul.Client.Tests.Infrastructure;

/// <summary>A human owner with a panel (its <c>general</c> channel) and one of its bots added to it, the owner's
/// gateway (to see what the bot posts), and an SDK <see cref="CirculBot"/> for that bot, not yet started.</summary>
public sealed class BotWorld : IAsyncDisposable
{
    private BotWorld(BotClient owner, BotClient botAccount, string panelId, string panelName, string generalId, RawGateway ownerGateway, CirculBot bot)
    {
        Owner = owner;
        BotAccount = botAccount;
        PanelId = panelId;
        PanelName = panelName;
        GeneralId = generalId;
        OwnerGateway = ownerGateway;
        Bot = bot;
    }

    public BotClient Owner { get; }

    public BotClient BotAccount { get; }

    public string PanelId { get; }

    public string PanelName { get; }

    public string GeneralId { get; }

    public RawGateway OwnerGateway { get; }

    public CirculBot Bot { get; }

    /// <summary>Short reconnect waits, so reconnect tests finish quickly.</summary>
    public static CirculBotOptions FastOptions() => new()
    {
        ReconnectDelay = TimeSpan.FromMilliseconds(100),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
    };

    public static async Task<BotWorld> CreateAsync(SiloFixture fixture, CirculBotOptions? options = null, string? serverUrl = null)
    {
        fixture.ThrowIfUnavailable();
        var owner = await fixture.NewHumanAsync();
        var botAccount = await fixture.NewBotAsync(owner);
        var panelName = SiloFixture.RandomName("Weather Lovers ");
        var panel = (await owner.PostAsync("/api/panels", new { name = panelName })).Expect(HttpStatusCode.Created).Json;
        var panelId = panel.Str("id");
        (await owner.PostAsync($"/api/panels/{panelId}/bots", new { bot_id = botAccount.Id })).Expect(HttpStatusCode.Created);
        var channels = (await owner.GetAsync($"/api/panels/{panelId}/channels")).Expect(HttpStatusCode.OK).Json;
        var generalId = channels.Items().Single(c => c.Str("name") == "general").Str("id");
        var gateway = await owner.ConnectReadyAsync();
        var bot = new CirculBot(serverUrl ?? fixture.BaseUrl, botAccount.Token!, options ?? FastOptions());
        return new BotWorld(owner, botAccount, panelId, panelName, generalId, gateway, bot);
    }

    /// <summary>The owner posts in <c>general</c>.</summary>
    public async Task<JsonElement> OwnerSaysAsync(string text, string[]? mentions = null)
    {
        object body = mentions is null ? new { text } : new { text, mentions };
        return (await Owner.PostAsync($"/api/panels/{PanelId}/channels/{GeneralId}/messages", body)).Expect(HttpStatusCode.Created).Json;
    }

    /// <summary>The next message the bot posts in the panel, as the owner's gateway sees it.</summary>
    public async Task<JsonElement> NextBotMessageAsync(Func<JsonElement, bool>? match = null, string what = "a message from the bot")
    {
        var e = await OwnerGateway.NextEventAsync(
            "panel_message",
            ev => ev.Payload.Prop("message").Str("sender_id") == BotAccount.Id && (match?.Invoke(ev.Payload.Prop("message")) ?? true),
            TimeSpan.FromSeconds(15),
            what);
        return e.Payload.Prop("message");
    }

    public async ValueTask DisposeAsync()
    {
        await Bot.DisposeAsync();
        await OwnerGateway.DisposeAsync();
    }
}
