namespace Circul.Silo.Tests.Webhooks;

/// <summary>A consumer with a group it owns, a receiver, and a webhook bot allowed in all the consumer's rooms.</summary>
public sealed record WebhookTestWorld(Consumer Consumer, string GroupId, WebhookReceiver Receiver, string BotId, string Secret) : IAsyncDisposable
{
    public BotClient Owner => Consumer.Owner;

    /// <summary>Creates the world; <paramref name="fields"/> override the bot's defaults (trigger mention, all rooms).</summary>
    public static async Task<WebhookTestWorld> CreateAsync(SiloFixture fixture, object? fields = null, Func<WebhookReceiver, string>? url = null)
    {
        var consumer = await Consumer.CreateAsync(fixture);
        var group = (await consumer.Owner.PostAsync("/api/groups", new { name = "room", member_ids = Array.Empty<string>() }))
            .Expect(HttpStatusCode.Created).Json.Str("id");
        var receiver = await WebhookReceiver.StartAsync();
        var body = new Dictionary<string, object?> { ["name"] = "Hook", ["webhookURL"] = url?.Invoke(receiver) ?? receiver.Url, ["isAllowedInAllChatRooms"] = true };
        if (fields is not null)
        {
            foreach (var p in fields.GetType().GetProperties())
            {
                body[p.Name] = p.GetValue(fields);
            }
        }

        var bot = await consumer.CreateBotAsync(body);
        return new WebhookTestWorld(consumer, group, receiver, bot.Str("_id"), bot.Str("signingSecret"));
    }

    /// <summary>Sends a message to the group as <paramref name="sender"/> (the owner by default); 201 expected.</summary>
    public async Task<JsonElement> SendAsync(string text, BotClient? sender = null) =>
        (await (sender ?? Owner).PostAsync($"/api/groups/{GroupId}/messages", new { text })).Expect(HttpStatusCode.Created).Json;

    public Task<JsonElement> WaitForDeliveryAsync(Func<JsonElement, bool> done, string what, TimeSpan? timeout = null) =>
        Consumer.WaitForDeliveryAsync(BotId, done, what, timeout);

    public ValueTask DisposeAsync() => Receiver.DisposeAsync();
}
