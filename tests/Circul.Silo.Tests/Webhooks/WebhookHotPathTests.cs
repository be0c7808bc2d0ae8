namespace Circul.Silo.Tests.Webhooks;

/// <summary>Triggers are evaluated in memory: a room reads its subscriptions once, not once per message.</summary>
public sealed class WebhookHotPathTests(CountingWebhookSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<CountingWebhookSiloFixture>
{
    private CountingWebhookStore Store => ((CountingWebhookSiloFixture)Fixture).Store;

    [Fact]
    public async Task ARoom_LoadsItsWebhookBotsOncePerActivation_AndAgainOnlyAfterAChange()
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        var group = (await CreateGroupAsync(consumer.Owner)).Str("id");
        for (var i = 0; i < 20; i++)
        {
            (await consumer.Owner.PostAsync($"/api/groups/{group}/messages", new { text = $"quiet {i}" })).Expect(HttpStatusCode.Created);
        }

        Assert.Equal(1, Store.RoomLoads(group));

        await using var receiver = await WebhookReceiver.StartAsync();
        var bot = (await consumer.CreateBotAsync(new { name = "hot", webhookURL = receiver.Url, trigger = "message", isAllowedInAllChatRooms = true })).Str("_id");
        for (var i = 0; i < 20; i++)
        {
            (await consumer.Owner.PostAsync($"/api/groups/{group}/messages", new { text = $"loud {i}" })).Expect(HttpStatusCode.Created);
        }

        Assert.Equal(2, Store.RoomLoads(group)); // one reload after the change, then memory
        await consumer.WaitForDeliveriesAsync(bot, all => all.Length == 20, "twenty deliveries recorded");
    }
}
