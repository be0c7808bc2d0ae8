namespace Circul.Silo.Tests.Webhooks;

/// <summary>Durability: a delivery pending when its silo stops is delivered by the next silo on the same database (run
/// once per storage provider).</summary>
public abstract class WebhookRestartTests(WebhookSiloFixture fixture) : SiloTestBase(fixture)
{
    [Fact]
    public async Task APendingDelivery_SurvivesASiloRestart_AndKeepsItsDeliveryId()
    {
        await using var storage = await Fixture.CreateIsolatedStorageAsync();
        var settings = SiloFixture.Merge(Fixture.Settings(), storage.Settings, new Dictionary<string, string?>
        {
            // Long enough that the first silo is stopped before it would retry.
            ["Circul:Webhooks:RetryBaseDelayMs"] = "3000",
        });
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (r, context) =>
        {
            context.Response.StatusCode = r.Number == 1 ? 503 : 200;
            return Task.CompletedTask;
        };

        string botId, deliveryId, key, ownerToken;
        await using (var first = await RunningSilo.StartAsync(settings))
        {
            var anonymous = new BotClient(first, null, null);
            var registered = (await anonymous.PostAsync("/api/auth/register", new { username = SiloFixture.RandomName("h"), password = SiloFixture.Password }))
                .Expect(HttpStatusCode.Created).Json;
            ownerToken = registered.Str("token");
            var owner = new BotClient(first, ownerToken, "Bearer");
            key = (await owner.PostAsync("/api/keys", new { name = "k" })).Expect(HttpStatusCode.Created).Json.Str("key");
            var group = (await owner.PostAsync("/api/groups", new { name = "g", member_ids = Array.Empty<string>() })).Expect(HttpStatusCode.Created).Json.Str("id");
            var consumer = new Consumer(owner, key, "");
            botId = (await consumer.CreateBotAsync(new { name = "durable", webhookURL = receiver.Url, trigger = "message", isAllowedInAllChatRooms = true })).Str("_id");
            (await owner.PostAsync($"/api/groups/{group}/messages", new { text = "survive" })).Expect(HttpStatusCode.Created);

            deliveryId = (await receiver.NextAsync("the first attempt (answered 503)")).Header("X-Circul-Delivery");
            var pending = await consumer.WaitForDeliveryAsync(botId, d => d.Str("status") == "pending" && d.Long("attempts") == 1 && d.Prop("lastStatusCode").ValueKind == JsonValueKind.Number, "the 503 recorded, a retry scheduled");
            Assert.Equal(503, pending.Long("lastStatusCode"));
            await first.StopAsync();
        }

        Assert.Equal(1, receiver.Count); // the first silo did not retry before it stopped

        await using var second = await RunningSilo.StartAsync(settings);
        var retried = await receiver.NextAsync("the retry by the second silo", TimeSpan.FromSeconds(30));
        Assert.Equal(deliveryId, retried.Header("X-Circul-Delivery"));

        var consumerOnSecond = new Consumer(new BotClient(second, ownerToken, "Bearer"), key, "");
        var done = await consumerOnSecond.WaitForDeliveryAsync(botId, d => d.Str("status") == "succeeded", "success after the restart");
        Assert.Equal(2, done.Long("attempts"));
        Assert.Equal(deliveryId, done.Str("id"));
    }
}
