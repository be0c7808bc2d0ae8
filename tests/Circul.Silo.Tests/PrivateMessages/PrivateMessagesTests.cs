using Circul.Contracts;
using Circul.Grains.Conversations;
using Circul.Grains.Panels;
using Circul.Silo.Tests.Panels;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace Circul.Silo.Tests.PrivateMessages;

/// <summary>API.md section 11's private reply: a message visible only to its sender and one user. REST cannot create one
/// (the server posts it for a webhook bot), so each test posts it through the room grain of the running silo as a bot,
/// then looks through REST and real sockets as the sender, the target and a bystander. Run on both storage providers:
/// the list and unread filters are SQL.</summary>
public abstract class PrivateMessagesTests(SiloFixture fixture) : PanelTestBase(fixture)
{
    private const string ThumbsUp = "👍";

    [Fact]
    public async Task Channel_PrivateReply_IsDeliveredListedAndCountedForTheTargetOnly()
    {
        var w = await NewChannelWorldAsync();
        await using var targetSocket = await w.Target.ConnectReadyAsync();
        await using var senderSocket = await w.Sender.ConnectReadyAsync();
        await using var bystanderSocket = await w.Bystander.ConnectReadyAsync();
        var trigger = (await PostInChannelAsync(w.Target, w.Panel, w.ChannelId, $"<@{w.Sender.Id}> help")).Str("id");

        var reply = await SendPrivateInChannelAsync(w, $"for <@{w.Target.Id}>, not <@{w.Bystander.Id}>", [w.Bystander.Id], trigger);
        var fence = (await PostInChannelAsync(w.Target, w.Panel, w.ChannelId, "fence")).Str("id");

        var seen = await targetSocket.NextEventAsync("panel_message", MessageNewWithId(reply.Id), what: "the private reply");
        Assert.Equal(w.Target.Id, seen.Payload.Prop("message").Str("visible_to"));
        Assert.Equal([w.Target.Id], seen.Payload.Prop("message").Strings("mentions"));
        var mention = await targetSocket.NextEventAsync("mention", MessageNewWithId(reply.Id), what: "the mention in the private reply");
        Assert.Equal(w.Sender.Id, mention.Payload.Str("sender_id"));
        await senderSocket.NextEventAsync("panel_message", MessageNewWithId(reply.Id), what: "the sender's own private reply");
        await bystanderSocket.AssertNoneBeforeAsync(About(reply.Id), "panel_message", MessageNewWithId(fence), "event of the private reply");

        var targetList = await ChannelMessagesAsync(w.Target, w.Panel, w.ChannelId);
        Assert.Equal([fence, reply.Id, trigger], IdsOf(targetList));
        Assert.Equal(w.Target.Id, targetList[1].Str("visible_to"));
        Assert.Null(targetList[0].NullableStr("visible_to"));
        Assert.Equal([fence, reply.Id, trigger], IdsOf(await ChannelMessagesAsync(w.Sender, w.Panel, w.ChannelId)));
        Assert.Equal([fence, trigger], IdsOf(await ChannelMessagesAsync(w.Bystander, w.Panel, w.ChannelId)));

        // Unread: the target has the reply, the bystander only the two public messages.
        Assert.Equal(1, await UnreadAsync(w.Target, w.Panel, w.ChannelId));
        Assert.Equal(2, await UnreadAsync(w.Bystander, w.Panel, w.ChannelId));
        Assert.Equal(2, await UnreadAsync(w.Sender, w.Panel, w.ChannelId));
    }

    [Fact]
    public async Task Channel_Paging_AroundPrivateMessages_GivesEachViewerFullPages()
    {
        var w = await NewChannelWorldAsync();
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            // 0, 2, 4 public; 1, 3, 5 private to the target.
            ids.Add(i % 2 == 0
                ? (await PostInChannelAsync(w.Target, w.Panel, w.ChannelId, $"m{i}")).Str("id")
                : (await SendPrivateInChannelAsync(w, $"m{i}")).Id);
        }

        Assert.Equal([ids[4], ids[2]], IdsOf(await ChannelMessagesAsync(w.Bystander, w.Panel, w.ChannelId, "?limit=2")));
        Assert.Equal([ids[2], ids[0]], IdsOf(await ChannelMessagesAsync(w.Bystander, w.Panel, w.ChannelId, $"?limit=2&before={ids[4]}")));
        Assert.Equal([ids[4], ids[2]], IdsOf(await ChannelMessagesAsync(w.Bystander, w.Panel, w.ChannelId, $"?limit=2&after={ids[0]}")));
        Assert.Equal([ids[4], ids[2]], IdsOf(await ChannelMessagesAsync(w.Bystander, w.Panel, w.ChannelId, $"?before={ids[5]}&after={ids[0]}")));
        Assert.Equal([ids[5], ids[4]], IdsOf(await ChannelMessagesAsync(w.Target, w.Panel, w.ChannelId, "?limit=2")));
        Assert.Equal([ids[3], ids[2]], IdsOf(await ChannelMessagesAsync(w.Target, w.Panel, w.ChannelId, $"?limit=2&before={ids[4]}")));
        Assert.Equal([ids[2], ids[1]], IdsOf(await ChannelMessagesAsync(w.Sender, w.Panel, w.ChannelId, $"?limit=2&after={ids[0]}")));
    }

    [Fact]
    public async Task Channel_ABystanderWithManageMessages_CannotEditDeleteReactOrReplyToAPrivateReply()
    {
        var w = await NewChannelWorldAsync();
        var reply = await SendPrivateInChannelAsync(w, "secret");
        var path = $"/api/messages/{reply.Id}";

        Assert.Equal("message not found", (await w.Bystander.PatchAsync(path, new { text = "x" })).ExpectError(HttpStatusCode.NotFound));
        (await w.Bystander.DeleteAsync(path)).ExpectError(HttpStatusCode.NotFound);
        (await w.Bystander.PostAsync($"{path}/reactions", new { emoji = ThumbsUp })).ExpectError(HttpStatusCode.NotFound);
        (await w.Bystander.DeleteAsync($"{path}/reactions/{Uri.EscapeDataString(ThumbsUp)}")).ExpectError(HttpStatusCode.NotFound);
        var replyTo = await w.Bystander.PostAsync(w.Panel.MessagesPath(w.ChannelId), new { text = "re", reply_to_id = reply.Id });
        Assert.Contains("reply_to_id", replyTo.ExpectError(HttpStatusCode.BadRequest), StringComparison.Ordinal);

        // Nothing changed: the target still sees it as it was, with no reaction.
        var listed = Assert.Single(await ChannelMessagesAsync(w.Target, w.Panel, w.ChannelId));
        Assert.Equal("secret", listed.Str("text"));
        Assert.Empty(listed.Items("reactions"));

        // The target can react and reply; only the sender edits.
        (await w.Target.PatchAsync(path, new { text = "x" })).ExpectError(HttpStatusCode.Forbidden);
        (await w.Target.PostAsync($"{path}/reactions", new { emoji = ThumbsUp })).ExpectOneOf(HttpStatusCode.NoContent, HttpStatusCode.OK);
        var answer = await w.Target.PostAsync(w.Panel.MessagesPath(w.ChannelId), new { text = "thanks", reply_to_id = reply.Id });
        Assert.Equal(reply.Id, answer.Expect(HttpStatusCode.Created).Json.Str("reply_to_id"));
    }

    [Fact]
    public async Task Channel_EditReactionsAndDeleteOfAPrivateReply_ReachOnlySenderAndTarget()
    {
        var w = await NewChannelWorldAsync();
        await using var targetSocket = await w.Target.ConnectReadyAsync();
        await using var bystanderSocket = await w.Bystander.ConnectReadyAsync();
        var reply = await SendPrivateInChannelAsync(w, "secret");
        var path = $"/api/messages/{reply.Id}";

        (await w.Sender.PatchAsync(path, new { text = "edited" })).Expect(HttpStatusCode.OK);
        (await w.Target.PostAsync($"{path}/reactions", new { emoji = ThumbsUp })).ExpectOneOf(HttpStatusCode.NoContent, HttpStatusCode.OK);
        (await w.Target.DeleteAsync($"{path}/reactions/{Uri.EscapeDataString(ThumbsUp)}")).Expect(HttpStatusCode.NoContent);
        (await w.Sender.DeleteAsync(path)).Expect(HttpStatusCode.NoContent);
        var fence = (await PostInChannelAsync(w.Target, w.Panel, w.ChannelId, "fence")).Str("id");

        await targetSocket.NextEventAsync("message_edited", MessageNewWithId(reply.Id), what: "the edit");
        await targetSocket.NextEventAsync("reaction_added", e => e.Payload.Str("message_id") == reply.Id, what: "the reaction");
        await targetSocket.NextEventAsync("reaction_removed", e => e.Payload.Str("message_id") == reply.Id, what: "the reaction's removal");
        await targetSocket.NextEventAsync("message_deleted", e => e.Payload.Str("message_id") == reply.Id, what: "the delete");
        await bystanderSocket.AssertNoneBeforeAsync(About(reply.Id), "panel_message", MessageNewWithId(fence), "event of the private reply");
        (await w.Target.PatchAsync(path, new { text = "again" })).ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Channel_ResumingABystandersSession_ReplaysNothingOfAPrivateReply()
    {
        var w = await NewChannelWorldAsync();
        var first = await w.Bystander.ConnectAsync();
        var ready = await first.NextFrameAsync(what: "ready");
        await using var keepOnline = await w.Bystander.ConnectReadyAsync();
        await first.DisposeAsync();

        var reply = await SendPrivateInChannelAsync(w, $"<@{w.Target.Id}> secret");
        var fence = (await PostInChannelAsync(w.Target, w.Panel, w.ChannelId, "fence")).Str("id");
        await keepOnline.NextEventAsync("panel_message", MessageNewWithId(fence), what: "the fence");

        await using var resumed = await w.Bystander.ConnectAsync(ready.Payload.Str("session_id"), ready.Seq);
        var replayed = new List<GatewayEvent>();
        for (var frame = await resumed.NextFrameAsync(what: "a replayed event"); frame.Type != "resumed"; frame = await resumed.NextFrameAsync(what: "resumed"))
        {
            replayed.Add(frame);
        }

        Assert.Contains(replayed, e => e.Type == "panel_message" && e.Payload.Prop("message").Str("id") == fence);
        var aboutReply = About(reply.Id);
        Assert.DoesNotContain(replayed, e => aboutReply(e));
    }

    [Fact]
    public async Task Group_PrivateReply_IsDeliveredAndListedForTheTargetOnly_AndLastMessageIdStaysPublic()
    {
        var owner = await NewHumanAsync();
        var sender = await NewBotAsync(owner);
        var bystander = await NewBotAsync(owner);
        var target = owner;
        var groupId = (await CreateGroupAsync(owner, sender, bystander)).Str("id");
        await using var targetSocket = await target.ConnectReadyAsync();
        await using var bystanderSocket = await bystander.ConnectReadyAsync();
        var trigger = (await SendAsync(target, groupId, "help")).Str("id");

        var group = Grains.GetGrain<IConversationGrain>(groupId);
        var reply = await group.SendMessageAsync(sender.Id, Private($"<@{target.Id}> <@{bystander.Id}> answer", target.Id, replyTo: trigger), null);
        var conversation = await target.GetAsync($"/api/conversations/{groupId}");
        var fence = (await SendAsync(bystander, groupId, "fence")).Str("id");

        Assert.Equal(trigger, conversation.Expect(HttpStatusCode.OK).Json.Str("last_message_id"));
        Assert.Equal([target.Id], reply.Mentions);
        await targetSocket.NextEventAsync("message_new", MessageNewWithId(reply.Id), what: "the private reply");
        await targetSocket.NextEventAsync("mention", MessageNewWithId(reply.Id), what: "the mention");
        await bystanderSocket.AssertNoneBeforeAsync(About(reply.Id), "message_new", MessageNewWithId(fence), "event of the private reply");

        Assert.Equal([fence, reply.Id, trigger], await ListIdsAsync(target, groupId));
        Assert.Equal([fence, reply.Id, trigger], await ListIdsAsync(sender, groupId));
        Assert.Equal([fence, trigger], await ListIdsAsync(bystander, groupId));
        Assert.Equal([trigger], await ListIdsAsync(bystander, groupId, $"?limit=1&before={fence}"));
        Assert.Equal([reply.Id], await ListIdsAsync(target, groupId, $"?limit=1&before={fence}"));
        Assert.Equal([fence], await ListIdsAsync(bystander, groupId, $"?limit=1&after={trigger}"));
        Assert.Equal([fence, trigger], (await bystander.GetAsync($"/api/groups/{groupId}/messages")).Expect(HttpStatusCode.OK).Json.Ids());

        var path = $"/api/messages/{reply.Id}";
        (await bystander.PatchAsync(path, new { text = "x" })).ExpectError(HttpStatusCode.NotFound);
        (await bystander.DeleteAsync(path)).ExpectError(HttpStatusCode.NotFound);
        (await bystander.PostAsync($"{path}/reactions", new { emoji = ThumbsUp })).ExpectError(HttpStatusCode.NotFound);
        (await bystander.PostAsync($"/api/conversations/{groupId}/messages", new { text = "re", reply_to_id = reply.Id })).ExpectError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Dm_PrivateMessage_ToThePeer_IsListedForIt_AndNotLastMessageId()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        var dmId = await OpenDmAsync(owner, bot);
        await using var ownerSocket = await owner.ConnectReadyAsync();
        var dm = Grains.GetGrain<IConversationGrain>(dmId);

        var reply = await dm.SendMessageAsync(bot.Id, Private("just for you", owner.Id), null);

        await ownerSocket.NextEventAsync("message_new", MessageNewWithId(reply.Id), what: "the private message");
        Assert.Equal([reply.Id], await ListIdsAsync(owner, dmId));
        Assert.Null((await owner.GetAsync($"/api/conversations/{dmId}")).Expect(HttpStatusCode.OK).Json.NullableStr("last_message_id"));
    }

    [Fact]
    public async Task Rest_CannotMakeAMessagePrivate_VisibleToInTheBodyIsIgnored()
    {
        var w = await NewChannelWorldAsync();

        var response = await w.Target.PostAsync(w.Panel.MessagesPath(w.ChannelId), new { text = "public anyway", visible_to = w.Sender.Id });

        var message = response.Expect(HttpStatusCode.Created).Json;
        Assert.Null(message.NullableStr("visible_to"));
        Assert.Equal([message.Str("id")], IdsOf(await ChannelMessagesAsync(w.Bystander, w.Panel, w.ChannelId)));
    }

    private IGrainFactory Grains => Fixture.Silo.Services.GetRequiredService<IGrainFactory>();

    /// <summary>A panel of a human owner (the target: the user who triggered the bot), the webhook bot (the sender) and
    /// a bystander bot holding manage_messages, in a channel of their own (join announcements went to general).</summary>
    private async Task<ChannelWorld> NewChannelWorldAsync()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);
        await GiveRoleAsync(owner, panel, bots[1], 1, "manage_messages");
        var channelId = (await CreateChannelAsync(owner, panel, "help")).Str("id");
        return new ChannelWorld(panel, channelId, bots[0], owner, bots[1]);
    }

    private async Task<MessageDto> SendPrivateInChannelAsync(ChannelWorld w, string text, IReadOnlyList<string>? mentions = null, string? replyTo = null) =>
        await Grains.GetGrain<IChannelGrain>(w.ChannelId).SendMessageAsync(w.Panel.Id, w.Sender.Id, Private(text, w.Target.Id, mentions, replyTo), null);

    private static MessageDraft Private(string text, string visibleTo, IReadOnlyList<string>? mentions = null, string? replyTo = null) =>
        new(text, false, false, mentions ?? [], replyTo, visibleTo);

    private static async Task<long> UnreadAsync(BotClient reader, PanelRef panel, string channelId) =>
        (await ChannelsAsync(reader, panel)).Single(c => c.Str("id") == channelId).Long("unread_count");

    private static string[] IdsOf(JsonElement[] messages) => [.. messages.Select(m => m.Str("id"))];

    /// <summary>Any event naming the message: new, edited, deleted, reaction or mention.</summary>
    private static Func<GatewayEvent, bool> About(string messageId) =>
        e => e.Payload.ValueKind == JsonValueKind.Object
            && ((e.Payload.Has("message") && e.Payload.Prop("message").Str("id") == messageId)
                || (e.Payload.Has("message_id") && e.Payload.Str("message_id") == messageId));

    private sealed record ChannelWorld(PanelRef Panel, string ChannelId, BotClient Sender, BotClient Target, BotClient Bystander);
}
