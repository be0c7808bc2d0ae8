namespace Circul.Storage.Tests;

/// <summary>The parity suite of <see cref="IWebhookStore"/> and the deliveries written with a message: every test runs
/// once per provider (see the derived classes).</summary>
public abstract class WebhookStoreTests(StorageFixture fixture)
{
    private IWebhookStore Store => fixture.Get<IWebhookStore>();

    private IDurableWriter Writer => fixture.Get<IDurableWriter>();

    private IUserStore Users => fixture.Get<IUserStore>();

    [Fact]
    public async Task ApiKeys_AreFoundByHash_ListedPerOwner_AndDeletedOnlyByTheirOwner()
    {
        var (owner, other) = (TestData.Unique("u"), TestData.Unique("u"));
        var a = new ApiKeyRecord(TestData.Unique("key"), owner, "a", TestData.Unique("hash"), TestData.Now);
        var b = new ApiKeyRecord(TestData.Unique("key"), owner, "b", TestData.Unique("hash"), TestData.Now.AddSeconds(1));
        await Store.CreateApiKeyAsync(a);
        await Store.CreateApiKeyAsync(b);

        Assert.Equal([a, b], await Store.ListApiKeysAsync(owner));
        Assert.Equal(a, await Store.FindApiKeyAsync(a.Hash));
        Assert.Null(await Store.FindApiKeyAsync("nope"));
        Assert.False(await Store.DeleteApiKeyAsync(other, a.Id));
        Assert.True(await Store.DeleteApiKeyAsync(owner, a.Id));
        Assert.False(await Store.DeleteApiKeyAsync(owner, a.Id));
        Assert.Null(await Store.FindApiKeyAsync(a.Hash));
        Assert.Equal([b], await Store.ListApiKeysAsync(owner));
    }

    [Fact]
    public async Task Bots_RoundTrip_Update_AndDeleteWithTheirRoomsAndDeliveries()
    {
        var owner = TestData.Unique("u");
        var bot = Bot(owner, allRooms: false);
        await Store.CreateBotAsync(bot);
        Assert.Equal(bot, await Store.GetBotAsync(bot.BotId));
        Assert.Equal([bot], await Store.ListBotsAsync(owner));

        var updated = bot with { Trigger = "message", Visibility = "public", AllRooms = true, HistoryLimit = 0, WebhookUrl = "https://x.test/2", Metadata = null, Enabled = false };
        Assert.True(await Store.UpdateBotAsync(updated));
        Assert.Equal(updated, await Store.GetBotAsync(bot.BotId));
        Assert.False(await Store.UpdateBotAsync(Bot(owner, false)));

        var room = TestData.Unique("c");
        Assert.True(await Store.AddRoomAsync(bot.BotId, room, TestData.Now));
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId("w", 1), room, "alice"), null)
        {
            Deliveries = [Delivery(bot.BotId, room, TestData.MessageId("w", 1))],
        });
        Assert.Single(await Store.ListDeliveriesAsync(bot.BotId, 10));

        Assert.True(await Store.DeleteBotAsync(bot.BotId));
        Assert.Null(await Store.GetBotAsync(bot.BotId));
        Assert.Empty(await Store.ListRoomsAsync(bot.BotId));
        Assert.Empty(await Store.ListDeliveriesAsync(bot.BotId, 10));
        Assert.False(await Store.DeleteBotAsync(bot.BotId));
    }

    [Fact]
    public async Task RoomBots_AreTheOwnersEnabledBots_AllowedThereOrEverywhere()
    {
        var (owner, other) = (TestData.Unique("u"), TestData.Unique("u"));
        var (room, elsewhere) = (TestData.Unique("c"), TestData.Unique("c"));
        var everywhere = Bot(owner, allRooms: true);
        var here = Bot(owner, allRooms: false);
        var notHere = Bot(owner, allRooms: false);
        var disabled = Bot(owner, allRooms: true) with { Enabled = false };
        var foreign = Bot(other, allRooms: true);
        var deletedUser = Bot(owner, allRooms: true);
        foreach (var b in new[] { everywhere, here, notHere, disabled, foreign, deletedUser })
        {
            await Users.CreateUserAsync(TestData.User(b.BotId, null, isBot: true, ownerId: b.OwnerId, deleted: b == deletedUser), null);
            await Store.CreateBotAsync(b);
        }

        Assert.True(await Store.AddRoomAsync(here.BotId, room, TestData.Now));
        Assert.False(await Store.AddRoomAsync(here.BotId, room, TestData.Now));
        Assert.True(await Store.AddRoomAsync(notHere.BotId, elsewhere, TestData.Now));
        Assert.True(await Store.AddRoomAsync(foreign.BotId, room, TestData.Now));

        Assert.Equal(
            new[] { everywhere.BotId, here.BotId }.Order(StringComparer.Ordinal),
            (await Store.ListRoomBotsAsync(room, owner)).Select(b => b.BotId).Order(StringComparer.Ordinal));
        Assert.Equal([room], await Store.ListRoomsAsync(here.BotId));
        Assert.True(await Store.RemoveRoomAsync(here.BotId, room));
        Assert.False(await Store.RemoveRoomAsync(here.BotId, room));
        Assert.Equal([everywhere.BotId], (await Store.ListRoomBotsAsync(room, owner)).Select(b => b.BotId));
    }

    [Fact]
    public async Task Deliveries_AreWrittenWithTheirMessage_ClaimedOnceUnderALease_AndFinished()
    {
        var bot = Bot(TestData.Unique("u"), allRooms: true);
        await Store.CreateBotAsync(bot);
        var room = TestData.Unique("c");
        var messageId = TestData.MessageId("d", 1);
        var delivery = Delivery(bot.BotId, room, messageId);
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(messageId, room, "alice"), null) { Deliveries = [delivery] });

        var now = delivery.CreatedAt;
        var claimed = (await Store.ClaimDueDeliveriesAsync("silo-a", now, now.AddSeconds(30), 100)).Where(d => d.BotId == bot.BotId).ToList();
        var row = Assert.Single(claimed);
        Assert.Equal((delivery.Id, "pending", 1, "silo-a"), (row.Id, row.Status, row.Attempts, row.LeaseOwner));
        Assert.Equal((delivery.Event, delivery.RoomKind, delivery.RoomId, delivery.MessageId, delivery.TriggeredBy), (row.Event, row.RoomKind, row.RoomId, row.MessageId, row.TriggeredBy));
        Assert.Null(row.Payload);

        // Leased: nobody else gets it, not even after its due time, until the lease expires.
        Assert.DoesNotContain(await Store.ClaimDueDeliveriesAsync("silo-b", now.AddSeconds(10), now.AddSeconds(40), 100), d => d.Id == delivery.Id);
        Assert.False(await Store.SavePayloadAsync(delivery.Id, "silo-b", "{}"));
        Assert.True(await Store.SavePayloadAsync(delivery.Id, "silo-a", "{\"a\":1}"));

        var retryAt = now.AddSeconds(2);
        Assert.False(await Store.FinishAttemptAsync(delivery.Id, "silo-b", Outcome("pending", retryAt, 500)));
        Assert.True(await Store.FinishAttemptAsync(delivery.Id, "silo-a", Outcome("pending", retryAt, 500)));
        Assert.DoesNotContain(await Store.ClaimDueDeliveriesAsync("silo-b", now.AddSeconds(1), now.AddSeconds(31), 100), d => d.Id == delivery.Id);

        var second = Assert.Single(await Store.ClaimDueDeliveriesAsync("silo-b", retryAt, retryAt.AddSeconds(30), 100), d => d.Id == delivery.Id);
        Assert.Equal((2, "{\"a\":1}", 500, "silo-b"), (second.Attempts, second.Payload, second.LastStatusCode, second.LeaseOwner));

        // silo-b "dies": its lease expires and silo-a takes the row, counting a third attempt.
        var third = Assert.Single(await Store.ClaimDueDeliveriesAsync("silo-a", retryAt.AddSeconds(31), retryAt.AddSeconds(61), 100), d => d.Id == delivery.Id);
        Assert.Equal(3, third.Attempts);
        Assert.False(await Store.FinishAttemptAsync(delivery.Id, "silo-b", Outcome("succeeded", retryAt, 200)));
        Assert.True(await Store.FinishAttemptAsync(delivery.Id, "silo-a", Outcome("succeeded", retryAt, 200) with { ReplyMessageId = "msg-r", LatencyMs = 12, CompletedAt = retryAt }));

        var done = await Store.GetDeliveryAsync(delivery.Id);
        Assert.NotNull(done);
        Assert.Equal(("succeeded", 3, 200, "msg-r", 12, (string?)null), (done.Status, done.Attempts, done.LastStatusCode, done.ReplyMessageId, done.LatencyMs, done.LeaseOwner));
        Assert.Equal(retryAt, done.CompletedAt);
        Assert.DoesNotContain(await Store.ClaimDueDeliveriesAsync("silo-a", retryAt.AddHours(1), retryAt.AddHours(2), 100), d => d.Id == delivery.Id);
    }

    [Fact]
    public async Task ConcurrentClaims_NeverHandOneRowToTwoOwners()
    {
        var bot = Bot(TestData.Unique("u"), allRooms: true);
        await Store.CreateBotAsync(bot);
        var room = TestData.Unique("c");
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var messageId = TestData.MessageId("cc" + room[^6..], i);
            var d = Delivery(bot.BotId, room, messageId);
            ids.Add(d.Id);
            await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(messageId, room, "alice"), null) { Deliveries = [d] });
        }

        var now = TestData.Now.AddMinutes(1);
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Store.ClaimDueDeliveriesAsync($"silo-{i}", now, now.AddSeconds(30), 7))));
        var mine = claims.SelectMany(c => c).Where(d => d.BotId == bot.BotId).ToList();
        Assert.Equal(mine.Count, mine.Select(d => d.Id).Distinct().Count());
        Assert.All(mine, d => Assert.Equal(1, d.Attempts));
    }

    [Fact]
    public async Task ReleasedLeases_GiveTheAttemptBack()
    {
        var bot = Bot(TestData.Unique("u"), allRooms: true);
        await Store.CreateBotAsync(bot);
        var room = TestData.Unique("c");
        var messageId = TestData.MessageId("rl" + room[^6..], 1);
        var delivery = Delivery(bot.BotId, room, messageId);
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(messageId, room, "alice"), null) { Deliveries = [delivery] });
        var now = delivery.CreatedAt;
        Assert.Contains(await Store.ClaimDueDeliveriesAsync("silo-a", now, now.AddSeconds(30), 100), d => d.Id == delivery.Id);

        await Store.ReleaseLeasesAsync("silo-a", [delivery.Id]);

        var again = Assert.Single(await Store.ClaimDueDeliveriesAsync("silo-b", now, now.AddSeconds(30), 100), d => d.Id == delivery.Id);
        Assert.Equal(1, again.Attempts);
    }

    [Fact]
    public async Task DeliveriesList_NewestFirst_Limited()
    {
        var bot = Bot(TestData.Unique("u"), allRooms: true);
        await Store.CreateBotAsync(bot);
        var room = TestData.Unique("c");
        var made = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var messageId = TestData.MessageId("dl" + room[^6..], i);
            var d = Delivery(bot.BotId, room, messageId) with { CreatedAt = TestData.Now.AddSeconds(i) };
            made.Add(d.Id);
            await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(messageId, room, "alice"), null) { Deliveries = [d] });
        }

        Assert.Equal([made[2], made[1]], (await Store.ListDeliveriesAsync(bot.BotId, 2)).Select(d => d.Id));
        Assert.NotNull(await Store.NextDueAsync());
    }

    private static WebhookBotRecord Bot(string owner, bool allRooms) =>
        new(TestData.Unique("bot"), owner, "mention", "private", allRooms, 10, "https://hooks.test/1", "{\"k\":1}", true, "cs_secret", TestData.Now);

    private static NewWebhookDelivery Delivery(string botId, string room, string messageId) =>
        new(TestData.Unique("dlv"), botId, "mention", "group", room, null, messageId, "alice", TestData.Now);

    private static WebhookAttemptOutcome Outcome(string status, DateTimeOffset next, int code) =>
        new(status, next, code, status == "pending" ? $"HTTP {code}" : null, 5, null, null);
}
