using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Circul.Silo.Tests.Webhooks;

/// <summary>Webhook delivery against a real receiver on loopback (the SSRF guard is off in this fixture).</summary>
public sealed class WebhookDeliveryTests(WebhookSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<WebhookSiloFixture>
{
    [Fact]
    public async Task Mention_PostsTheContractBody_SignedWithTheSecret()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture, new { messageHistoryLimit = 2, metadata = "{\"team\":\"blue\"}" });
        var m0 = await world.SendAsync("zero");
        var m1 = await world.SendAsync("one");
        var m2 = await world.SendAsync("two");
        var before = DateTimeOffset.UtcNow;
        var trigger = await world.SendAsync($"<@{world.BotId}> what's up?");

        var request = await world.Receiver.NextAsync("the mention's delivery");

        Assert.Equal("/hook", request.Path);
        Assert.StartsWith("application/json", request.Header("Content-Type"));
        var deliveryId = request.Header("X-Circul-Delivery");
        Assert.StartsWith("dlv-", deliveryId);
        var timestamp = long.Parse(request.Header("X-Circul-Timestamp"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, before.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);

        // The signature, computed here independently of the server's code.
        var signed = Encoding.UTF8.GetBytes($"{timestamp}.").Concat(request.Body).ToArray();
        var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(world.Secret), signed));
        Assert.Equal(expected, request.Header("X-Circul-Signature"));

        var body = request.Json;
        Assert.Equal("mention", body.Str("event"));
        Assert.Equal(world.BotId, body.Str("bot_id"));
        Assert.Equal("group", body.Prop("room").Str("kind"));
        Assert.Equal(world.GroupId, body.Prop("room").Str("id"));
        Assert.Equal(JsonValueKind.Null, body.Prop("room").Prop("panel_id").ValueKind);
        Assert.Equal(trigger.Str("id"), body.Prop("message").Str("id"));
        Assert.Equal(trigger.Str("text"), body.Prop("message").Str("text"));
        Assert.Contains(world.BotId, body.Prop("message").Strings("mentions"));
        Assert.Equal([m1.Str("id"), m2.Str("id")], body.Items("history").Select(m => m.Str("id")));
        Assert.DoesNotContain(m0.Str("id"), body.GetRawText());
        Assert.Equal("{\"team\":\"blue\"}", body.Str("metadata"));

        var delivery = await world.WaitForDeliveryAsync(d => d.Str("status") == "succeeded", "the delivery recorded as succeeded");
        Assert.Equal(deliveryId, delivery.Str("id"));
        Assert.Equal(1, delivery.Long("attempts"));
        Assert.Equal(200, delivery.Long("lastStatusCode"));
        Assert.True(delivery.Long("latencyMs") >= 0);
        Assert.Equal(trigger.Str("id"), delivery.Str("messageId"));

        // Only the mention fired: the three earlier messages did not.
        Assert.Single(await world.Consumer.DeliveriesAsync(world.BotId));
    }

    [Fact]
    public async Task Mention_ByTheMentionsField_OrByAnotherBot_Fires()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture);
        var plainBot = await NewBotAsync(world.Owner);
        (await world.Owner.PostAsync($"/api/groups/{world.GroupId}/members", new { user_id = plainBot.Id })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created);

        var byField = (await world.Owner.PostAsync($"/api/groups/{world.GroupId}/messages", new { text = "no tag here", mentions = new[] { world.BotId } }))
            .Expect(HttpStatusCode.Created).Json;
        Assert.Equal(byField.Str("id"), (await world.Receiver.NextAsync("the mention by the mentions field")).Json.Prop("message").Str("id"));

        // Another bot mentioning it fires too (mention: whoever sends).
        var byBot = await world.SendAsync($"<@{world.BotId}> from a bot", plainBot);
        Assert.Equal(byBot.Str("id"), (await world.Receiver.NextAsync("the mention by another bot")).Json.Prop("message").Str("id"));
        Assert.Equal(2, (await world.Consumer.DeliveriesAsync(world.BotId)).Length);
    }

    [Fact]
    public async Task AWebhookBotsReply_MentioningAnotherWebhookBot_DoesNotFireIt()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture);
        await using var other = await WebhookReceiver.StartAsync();
        var otherBot = (await world.Consumer.CreateBotAsync(new { name = "Other", webhookURL = other.Url, isAllowedInAllChatRooms = true })).Str("_id");
        world.Receiver.Respond = (_, context) => context.Response.WriteAsJsonAsync(new { text = $"<@{otherBot}> your turn" });
        other.Respond = (_, context) => context.Response.WriteAsJsonAsync(new { text = $"<@{world.BotId}> no, yours" });

        await world.SendAsync($"<@{world.BotId}> start");
        await world.WaitForDeliveryAsync(d => d.Str("status") == "succeeded" && d.NullableStr("replyMessageId") is not null, "the first bot's reply");

        // The marker: the owner mentions the other bot; its first request must be this, not the reply.
        var marker = await world.SendAsync($"<@{otherBot}> marker");
        Assert.Equal(marker.Str("id"), (await other.NextAsync("the owner's mention of the other bot")).Json.Prop("message").Str("id"));
        Assert.Single(await world.Consumer.DeliveriesAsync(otherBot));
    }

    [Fact]
    public async Task AllRoomsBot_JoinsPanelsAndGroupsCreatedLater_AndFiresThere()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture);
        var roomOnly = (await world.Consumer.CreateBotAsync(new { name = "Listed", webhookURL = world.Receiver.Url, isAllowedInAllChatRooms = false })).Str("_id");

        var panel = (await world.Owner.PostAsync("/api/panels", new { name = "Later" })).Expect(HttpStatusCode.Created).Json;
        Assert.Contains(world.BotId, panel.Strings("member_ids"));
        Assert.DoesNotContain(roomOnly, panel.Strings("member_ids"));
        var group = (await world.Owner.PostAsync("/api/groups", new { name = "later", member_ids = Array.Empty<string>() }))
            .Expect(HttpStatusCode.Created).Json;
        Assert.Contains(world.BotId, group.Strings("member_ids"));
        Assert.DoesNotContain(roomOnly, group.Strings("member_ids"));

        var channel = (await world.Owner.GetAsync($"/api/panels/{panel.Str("id")}/channels")).Expect(HttpStatusCode.OK).Json.Items()[0].Str("id");
        var inPanel = (await world.Owner.PostAsync($"/api/panels/{panel.Str("id")}/channels/{channel}/messages", new { text = $"<@{world.BotId}> new panel" }))
            .Expect(HttpStatusCode.Created).Json;
        Assert.Equal(inPanel.Str("id"), (await world.Receiver.NextAsync("the mention in the panel created later")).Json.Prop("message").Str("id"));
        var inGroup = (await world.Owner.PostAsync($"/api/groups/{group.Str("id")}/messages", new { text = $"<@{world.BotId}> new group" }))
            .Expect(HttpStatusCode.Created).Json;
        Assert.Equal(inGroup.Str("id"), (await world.Receiver.NextAsync("the mention in the group created later")).Json.Prop("message").Str("id"));
    }

    [Fact]
    public async Task MessageTrigger_FiresForHumansOnly_InAllowedRooms_WhileEnabled()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture, new { trigger = "message", isAllowedInAllChatRooms = false });
        var otherGroup = (await CreateGroupAsync(world.Owner)).Str("id");
        (await world.Consumer.SendAsync(HttpMethod.Post, $"/bot/{world.BotId}/rooms/{world.GroupId}")).Expect(HttpStatusCode.OK);
        var plainBot = await NewBotAsync(world.Owner);
        (await world.Owner.PostAsync($"/api/groups/{world.GroupId}/members", new { user_id = plainBot.Id })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created);

        var fromBot = await world.SendAsync("beep", plainBot);                                                  // a bot: no
        (await world.Owner.PostAsync($"/api/groups/{otherGroup}/messages", new { text = "elsewhere" })).Expect(HttpStatusCode.Created); // not allowed: no
        var first = await world.SendAsync("hello");                                                              // yes
        Assert.Equal(first.Str("id"), (await world.Receiver.NextAsync("the human's message")).Json.Prop("message").Str("id"));

        (await world.Consumer.SendAsync(HttpMethod.Patch, $"/bot/{world.BotId}", new { enabled = false })).Expect(HttpStatusCode.OK);
        await world.SendAsync("while disabled");                                                                 // disabled: no
        (await world.Consumer.SendAsync(HttpMethod.Patch, $"/bot/{world.BotId}", new { enabled = true })).Expect(HttpStatusCode.OK);
        var second = await world.SendAsync("enabled again");                                                     // yes
        var next = await world.Receiver.NextAsync("the message after enabling again");
        Assert.Equal(second.Str("id"), next.Json.Prop("message").Str("id"));
        Assert.Equal("message", next.Json.Str("event"));

        var deliveries = await world.Consumer.DeliveriesAsync(world.BotId);
        Assert.Equal([second.Str("id"), first.Str("id")], deliveries.Select(d => d.Str("messageId")));
        Assert.DoesNotContain(fromBot.Str("id"), deliveries.Select(d => d.Str("messageId")));
        Assert.Equal(2, world.Receiver.Count);
    }

    [Fact]
    public async Task ServerErrors_AreRetriedWithBackoff_ThreeAttemptsInAll_UnderOneDeliveryId()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture);
        world.Receiver.Respond = (r, context) =>
        {
            context.Response.StatusCode = r.Number <= 2 ? 500 : 200;
            return Task.CompletedTask;
        };
        await world.SendAsync($"<@{world.BotId}> retry me");

        var attempts = new[]
        {
            await world.Receiver.NextAsync("attempt 1"),
            await world.Receiver.NextAsync("attempt 2 (after a 500)"),
            await world.Receiver.NextAsync("attempt 3 (after a second 500)"),
        };
        Assert.Single(attempts.Select(a => a.Header("X-Circul-Delivery")).Distinct());
        Assert.Single(attempts.Select(a => a.Text).Distinct());
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromMilliseconds(150), $"first backoff {attempts[1].At - attempts[0].At}");
        Assert.True(attempts[2].At - attempts[1].At >= TimeSpan.FromMilliseconds(350), $"second backoff {attempts[2].At - attempts[1].At}");

        var delivery = await world.WaitForDeliveryAsync(d => d.Str("status") == "succeeded", "success on the third attempt");
        Assert.Equal(3, delivery.Long("attempts"));
        Assert.Equal(200, delivery.Long("lastStatusCode"));
        Assert.Equal(3, world.Receiver.Count);

        var metrics = (await Fixture.Anonymous().GetAsync("/metrics")).Expect(HttpStatusCode.OK).Text;
        Assert.Matches("circul_webhook_attempts_total\\{outcome=\"retry\"\\} [1-9]", metrics);
        Assert.Matches("circul_webhook_attempts_total\\{outcome=\"succeeded\"\\} [1-9]", metrics);
    }

    [Fact]
    public async Task ServerErrors_GiveUpAfterThreeAttempts()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture);
        world.Receiver.Respond = (_, context) =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        };
        await world.SendAsync($"<@{world.BotId}> fail");
        var delivery = await world.WaitForDeliveryAsync(d => d.Str("status") == "failed", "failure after three attempts");
        Assert.Equal(3, delivery.Long("attempts"));
        Assert.Equal(503, delivery.Long("lastStatusCode"));
        Assert.Equal(3, world.Receiver.Count);
    }

    [Fact]
    public async Task ClientErrors_AreNotRetried()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture);
        world.Receiver.Respond = (_, context) =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        };
        await world.SendAsync($"<@{world.BotId}> 404");
        var delivery = await world.WaitForDeliveryAsync(d => d.Str("status") == "failed", "a final failure after the 404");
        Assert.Equal(1, delivery.Long("attempts"));
        Assert.Equal(404, delivery.Long("lastStatusCode"));
        Assert.Equal(1, world.Receiver.Count);
    }

    [Fact]
    public async Task Timeouts_AreRetried_ThenFail()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture);
        world.Receiver.Respond = async (_, context) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted); // never answers: the sender's 1.5 s timeout ends it
            }
            catch (OperationCanceledException)
            {
            }
        };
        await world.SendAsync($"<@{world.BotId}> slow");
        var delivery = await world.WaitForDeliveryAsync(d => d.Str("status") == "failed", "failure after three timeouts", TimeSpan.FromSeconds(30));
        Assert.Equal(3, delivery.Long("attempts"));
        Assert.Contains("timed out", delivery.Str("lastError"));
        Assert.Equal(JsonValueKind.Null, delivery.Prop("lastStatusCode").ValueKind);
        Assert.Equal(3, world.Receiver.Count);
    }

    [Fact]
    public async Task Redirects_AreNotFollowed()
    {
        await using var target = await WebhookReceiver.StartAsync();
        await using var world = await WebhookTestWorld.CreateAsync(Fixture);
        world.Receiver.Respond = (_, context) =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = target.Url;
            return Task.CompletedTask;
        };
        await world.SendAsync($"<@{world.BotId}> go elsewhere");
        var delivery = await world.WaitForDeliveryAsync(d => d.Str("status") == "failed", "a failed delivery after the 302");
        Assert.Equal(302, delivery.Long("lastStatusCode"));
        Assert.Equal(1, delivery.Long("attempts"));
        Assert.Contains("redirect", delivery.Str("lastError"));
        Assert.Equal(0, target.Count);
    }

    [Fact]
    public async Task AnswerText_IsPostedAsTheBotsReply_ToTheTriggeringMessage()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture);
        world.Receiver.Respond = (_, context) => context.Response.WriteAsJsonAsync(new { text = "  pong  " });
        await using var socket = await world.Owner.ConnectReadyAsync();
        var trigger = await world.SendAsync($"<@{world.BotId}> ping");

        var reply = await socket.NextEventAsync("message_new", e => e.Payload.Prop("message").Str("sender_id") == world.BotId, what: "the bot's reply");
        var message = reply.Payload.Prop("message");
        Assert.Equal("pong", message.Str("text"));
        Assert.Equal(trigger.Str("id"), message.Str("reply_to_id"));
        Assert.True(message.Prop("sender").Bool("is_bot"));

        var delivery = await world.WaitForDeliveryAsync(d => d.Str("status") == "succeeded", "the delivery with its reply");
        Assert.Equal(message.Str("id"), delivery.Str("replyMessageId"));
        var listed = await ListAsync(world.Owner, world.GroupId);
        Assert.Single(listed, m => m.Str("sender_id") == world.BotId);
    }

    [Fact]
    public async Task EmptyOrMissingText_PostsNoReply()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture, new { trigger = "message" });
        world.Receiver.Respond = (r, context) => r.Number == 1
            ? context.Response.WriteAsJsonAsync(new { text = "   " })
            : context.Response.WriteAsync("not json");
        await world.SendAsync("one");
        await world.WaitForDeliveryAsync(d => d.Str("status") == "succeeded", "the first delivery");
        await world.SendAsync("two");
        await world.WaitForDeliveryAsync(d => d.Str("status") == "succeeded" && d.NullableStr("replyMessageId") is null, "the second delivery");
        Assert.All(await world.Consumer.DeliveriesAsync(world.BotId), d => Assert.Equal(JsonValueKind.Null, d.Prop("replyMessageId").ValueKind));
        Assert.DoesNotContain(await ListAsync(world.Owner, world.GroupId), m => m.Str("sender_id") == world.BotId);
    }

    [Fact]
    public async Task AnAnswerOverTheSizeCap_CountsAsDelivered_ButPostsNoReply()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture);
        world.Receiver.Respond = (_, context) => context.Response.WriteAsJsonAsync(new { text = "big", padding = new string('x', 70_000) });
        await world.SendAsync($"<@{world.BotId}> flood me");
        var delivery = await world.WaitForDeliveryAsync(d => d.Str("status") == "succeeded", "the oversized answer recorded");
        Assert.Contains("larger than 65536 bytes", delivery.Str("lastError"));
        Assert.Equal(JsonValueKind.Null, delivery.Prop("replyMessageId").ValueKind);
        Assert.DoesNotContain(await ListAsync(world.Owner, world.GroupId), m => m.Str("sender_id") == world.BotId);
    }

    [Fact]
    public async Task TheSendersAnswer_DoesNotWaitForASlowReceiver()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture, new { trigger = "message" });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        world.Receiver.Respond = async (_, context) =>
        {
            await release.Task.WaitAsync(context.RequestAborted);
        };
        try
        {
            await world.SendAsync("first");
            await world.Receiver.NextAsync("the first delivery, held by the receiver");

            var watch = Stopwatch.StartNew();
            await world.SendAsync("second");
            watch.Stop();
            Assert.False(release.Task.IsCompleted);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"the second send took {watch.Elapsed} while a delivery was held");
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task ChannelMention_IsDelivered_WithTheChannelAsRoom()
    {
        var consumer = await Consumer.CreateAsync(Fixture);
        await using var receiver = await WebhookReceiver.StartAsync();
        var panel = (await consumer.Owner.PostAsync("/api/panels", new { name = "P" })).Expect(HttpStatusCode.Created).Json.Str("id");
        var channel = (await consumer.Owner.GetAsync($"/api/panels/{panel}/channels")).Expect(HttpStatusCode.OK).Json.Items()[0].Str("id");
        var bot = (await consumer.CreateBotAsync(new { name = "chan", webhookURL = receiver.Url })).Str("_id");
        (await consumer.SendAsync(HttpMethod.Post, $"/bot/{bot}/rooms/{channel}")).Expect(HttpStatusCode.OK);

        var message = (await consumer.Owner.PostAsync($"/api/panels/{panel}/channels/{channel}/messages", new { text = $"hi <@{bot}>" }))
            .Expect(HttpStatusCode.Created).Json;
        var body = (await receiver.NextAsync("the channel mention")).Json;
        Assert.Equal("channel", body.Prop("room").Str("kind"));
        Assert.Equal(channel, body.Prop("room").Str("id"));
        Assert.Equal(panel, body.Prop("room").Str("panel_id"));
        Assert.Equal(message.Str("id"), body.Prop("message").Str("id"));
    }

    /// <summary>DEPENDS ON THE PRIVATE-MESSAGE BRANCH (migration 0008): passes only once the room grains honour
    /// <c>MessageDraft.VisibleTo</c> on every read path.</summary>
    [Fact]
    [Trait("DependsOn", "private-messages")]
    public async Task PrivateVisibility_ReplyIsDeliveredAndListedForTheTriggeringUserOnly()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture, new { messageVisibility = "private" });
        world.Receiver.Respond = (_, context) => context.Response.WriteAsJsonAsync(new { text = "just for you" });
        var observer = await NewBotAsync(world.Owner);
        (await world.Owner.PostAsync($"/api/groups/{world.GroupId}/members", new { user_id = observer.Id })).ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created);
        await using var ownerSocket = await world.Owner.ConnectReadyAsync();
        await using var observerSocket = await observer.ConnectReadyAsync();

        var trigger = await world.SendAsync($"<@{world.BotId}> secret?");
        var reply = await ownerSocket.NextEventAsync("message_new", e => e.Payload.Prop("message").Str("sender_id") == world.BotId, what: "the private reply");
        var replyId = reply.Payload.Prop("message").Str("id");
        Assert.Equal(trigger.Str("id"), reply.Payload.Prop("message").Str("reply_to_id"));

        // A later public message is the marker: the observer got it, and nothing of the reply before it.
        var marker = await world.SendAsync("marker");
        await observerSocket.AssertNoneBeforeAsync(
            e => e.Payload.Has("message") && e.Payload.Prop("message").Str("id") == replyId, "message_new", MessageNewWithId(marker.Str("id")), "the private reply");

        Assert.Contains(replyId, await ListIdsAsync(world.Owner, world.GroupId));
        Assert.DoesNotContain(replyId, await ListIdsAsync(observer, world.GroupId));
    }
}
