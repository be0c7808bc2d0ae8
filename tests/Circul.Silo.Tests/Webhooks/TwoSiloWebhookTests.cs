namespace Circul.Silo.Tests.Webhooks;

/// <summary>Two silos on one PostgreSQL database (one Orleans cluster): both delivery workers claim from the same outbox
/// without ever attempting one delivery twice, and a configuration change made through one silo applies to sends
/// through the other.</summary>
public sealed class TwoSiloWebhookTests(PostgresWebhookSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<PostgresWebhookSiloFixture>
{
    [Fact]
    public async Task TwoSilos_DeliverEachMessageOnce_AndSeeEachOthersConfigurationChanges()
    {
        await using var storage = await Fixture.CreateIsolatedStorageAsync();
        var settings = SiloFixture.Merge(Fixture.Settings(), storage.Settings);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var a = await RunningSilo.StartAsync(settings);
        await using var b = await RunningSilo.StartAsync(settings);

        var registered = (await new BotClient(a, null, null).PostAsync("/api/auth/register", new { username = SiloFixture.RandomName("h"), password = SiloFixture.Password }))
            .Expect(HttpStatusCode.Created).Json;
        var token = registered.Str("token");
        var (ownerA, ownerB) = (new BotClient(a, token, "Bearer"), new BotClient(b, token, "Bearer"));
        var key = (await ownerA.PostAsync("/api/keys", new { name = "k" })).Expect(HttpStatusCode.Created).Json.Str("key");
        var (consumerA, consumerB) = (new Consumer(ownerA, key, ""), new Consumer(ownerB, key, ""));
        var group = (await ownerB.PostAsync("/api/groups", new { name = "g", member_ids = Array.Empty<string>() })).Expect(HttpStatusCode.Created).Json.Str("id");
        var botId = (await consumerA.CreateBotAsync(new { name = "both", webhookURL = receiver.Url, trigger = "message", isAllowedInAllChatRooms = true })).Str("_id");

        const int count = 20;
        var sent = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var sender = i % 2 == 0 ? ownerA : ownerB;
            sent.Add((await sender.PostAsync($"/api/groups/{group}/messages", new { text = $"m{i}" })).Expect(HttpStatusCode.Created).Json.Str("id"));
        }

        var received = new List<ReceivedWebhook>();
        for (var i = 0; i < count; i++)
        {
            received.Add(await receiver.NextAsync($"delivery {i + 1} of {count}"));
        }

        Assert.Equal(sent.Order(StringComparer.Ordinal), received.Select(r => r.Json.Prop("message").Str("id")).Order(StringComparer.Ordinal));
        Assert.Equal(count, received.Select(r => r.Header("X-Circul-Delivery")).Distinct().Count());
        var rows = await consumerB.WaitForDeliveriesAsync(
            botId, all => all.Length == count && all.All(d => d.Str("status") == "succeeded"), "every delivery recorded as succeeded");
        Assert.All(rows, d => Assert.Equal(("succeeded", 1L), (d.Str("status"), d.Long("attempts"))));
        Assert.Equal(count, receiver.Count);

        // Disabled through B, a send through A fires nothing; enabled again through A, a send through B fires.
        (await consumerB.SendAsync(HttpMethod.Patch, $"/bot/{botId}", new { enabled = false })).Expect(HttpStatusCode.OK);
        (await ownerA.PostAsync($"/api/groups/{group}/messages", new { text = "quiet" })).Expect(HttpStatusCode.Created);
        (await consumerA.SendAsync(HttpMethod.Patch, $"/bot/{botId}", new { enabled = true })).Expect(HttpStatusCode.OK);
        var loud = (await ownerB.PostAsync($"/api/groups/{group}/messages", new { text = "loud" })).Expect(HttpStatusCode.Created).Json.Str("id");
        Assert.Equal(loud, (await receiver.NextAsync("the message after re-enabling")).Json.Prop("message").Str("id"));
        Assert.Equal(count + 1, (await consumerA.DeliveriesAsync(botId)).Length);
    }
}
