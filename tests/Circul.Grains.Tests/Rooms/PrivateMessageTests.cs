using System.Text.Json;
using Circul.Contracts;
using Circul.Grains.Conversations;
using Circul.Grains.Panels;
using Circul.Grains.Rooms;
using Circul.Grains.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Serialization;

namespace Circul.Grains.Tests.Rooms;

/// <summary>A private message (<see cref="MessageDraft.VisibleTo"/>, a webhook bot's private reply) exists for its sender
/// and its VisibleTo user only: in lists, events, mentions, unread counts and every by-id path, in panel channels,
/// groups and DMs. The sessions listen on the silo that does not host the room grain, so the narrowed audiences cross
/// silos as data.</summary>
public sealed class PrivateMessageTests(TwoSiloCluster cluster) : IClassFixture<TwoSiloCluster>
{
    [Fact]
    public async Task Channel_PrivateMessage_ReachesOnlySenderAndTarget_AndMentionsOnlyTheTarget()
    {
        var w = await NewPanelAsync();
        var sessions = await ListenAcrossAsync(w.Channel, w.Sender, w.Target, w.Bystander);
        var trigger = await w.Channel.SendMessageAsync(w.PanelId, w.Target, Draft("@bot help"), null);

        var reply = await w.Channel.SendMessageAsync(
            w.PanelId, w.Sender, Private($"only for <@{w.Target}> and not <@{w.Bystander}>", w.Target, [w.Bystander], trigger.Id), null);
        var fence = await w.Channel.SendMessageAsync(w.PanelId, w.Bystander, Draft("fence"), null);

        Assert.Equal(w.Target, reply.VisibleTo);
        Assert.Equal([w.Target], reply.Mentions);
        var target = await sessions.WaitForAsync(w.Target, events => Has(events, EventTypes.PanelMessage, fence.Id), "the fence");
        Assert.True(Has(target, EventTypes.PanelMessage, reply.Id), "the target did not get the private message");
        Assert.True(Has(target, EventTypes.Mention, reply.Id), "the target did not get the mention");
        Assert.Equal(w.Target, target.Single(e => e.Type == EventTypes.PanelMessage && MessageId(e) == reply.Id).Payload.GetProperty("message").GetProperty("visible_to").GetString());
        var sender = await sessions.WaitForAsync(w.Sender, events => Has(events, EventTypes.PanelMessage, fence.Id), "the fence");
        Assert.True(Has(sender, EventTypes.PanelMessage, reply.Id), "the sender did not get its own private message");
        var bystander = await sessions.WaitForAsync(w.Bystander, events => Has(events, EventTypes.PanelMessage, fence.Id), "the fence");
        Assert.False(Has(bystander, EventTypes.PanelMessage, reply.Id), "a bystander received a private message");
        Assert.False(Has(bystander, EventTypes.Mention, reply.Id), "a bystander received a mention from a private message");
    }

    [Fact]
    public async Task Channel_PrivateMessage_IsListedForSenderAndTargetOnly_AndIsNotFoundForAnyoneElse()
    {
        var w = await NewPanelAsync();
        var before = await w.Channel.SendMessageAsync(w.PanelId, w.Target, Draft("before"), null);
        var reply = await w.Channel.SendMessageAsync(w.PanelId, w.Sender, Private("secret", w.Target), null);
        var after = await w.Channel.SendMessageAsync(w.PanelId, w.Target, Draft("after"), null);

        Assert.Equal([after.Id, reply.Id, before.Id], await ListAsync(w, w.Target));
        Assert.Equal([after.Id, reply.Id, before.Id], await ListAsync(w, w.Sender));
        Assert.Equal([after.Id, before.Id], await ListAsync(w, w.Bystander));

        // The bystander is the panel's creator: every permission, manage_messages included, and still no such message.
        await AssertStatusAsync(404, () => cluster.Grains(1).GetGrain<IMessageGrain>(reply.Id).EditAsync(w.Bystander, "x"));
        await AssertStatusAsync(404, () => cluster.Grains(1).GetGrain<IMessageGrain>(reply.Id).DeleteAsync(w.Bystander));
        await AssertStatusAsync(404, () => cluster.Grains(1).GetGrain<IMessageGrain>(reply.Id).AddReactionAsync(w.Bystander, "👍"));
        await AssertStatusAsync(404, () => cluster.Grains(1).GetGrain<IMessageGrain>(reply.Id).RemoveReactionAsync(w.Bystander, "👍"));
        await AssertStatusAsync(400, () => w.Channel.SendMessageAsync(w.PanelId, w.Bystander, Draft("re", replyTo: reply.Id), null));

        // The target sees it: it may react and reply, not edit someone else's message.
        await AssertStatusAsync(403, () => cluster.Grains(1).GetGrain<IMessageGrain>(reply.Id).EditAsync(w.Target, "x"));
        await cluster.Grains(1).GetGrain<IMessageGrain>(reply.Id).AddReactionAsync(w.Target, "👍");
        var answer = await w.Channel.SendMessageAsync(w.PanelId, w.Target, Draft("thanks", replyTo: reply.Id), null);
        Assert.Equal(reply.Id, answer.ReplyToId);
        var listed = (await w.Channel.ListMessagesAsync(w.PanelId, w.Sender, 10, null, null)).Single(m => m.Id == reply.Id);
        Assert.Equal([w.Target], listed.Reactions.Single().UserIds);
        Assert.Null((await w.Channel.ListMessagesAsync(w.PanelId, w.Bystander, 10, null, null)).Single(m => m.Id == answer.Id).VisibleTo);
    }

    [Fact]
    public async Task Channel_EditsDeletesAndReactionsOfAPrivateMessage_GoOnlyToSenderAndTarget()
    {
        var w = await NewPanelAsync();
        var sessions = await ListenAcrossAsync(w.Channel, w.Sender, w.Target, w.Bystander);
        var reply = await w.Channel.SendMessageAsync(w.PanelId, w.Sender, Private("secret", w.Target), null);
        var byId = cluster.Grains(0).GetGrain<IMessageGrain>(reply.Id);

        await byId.EditAsync(w.Sender, "edited");
        await byId.AddReactionAsync(w.Target, "👍");
        await byId.RemoveReactionAsync(w.Target, "👍");
        await byId.DeleteAsync(w.Sender);
        var fence = await w.Channel.SendMessageAsync(w.PanelId, w.Bystander, Draft("fence"), null);

        string[] types = [EventTypes.MessageEdited, EventTypes.ReactionAdded, EventTypes.ReactionRemoved, EventTypes.MessageDeleted];
        foreach (var user in new[] { w.Sender, w.Target })
        {
            var events = await sessions.WaitForAsync(user, events => Has(events, EventTypes.PanelMessage, fence.Id), "the fence");
            Assert.Equal(types, events.Where(e => types.Contains(e.Type) && About(e, reply.Id)).Select(e => e.Type));
        }

        var bystander = await sessions.WaitForAsync(w.Bystander, events => Has(events, EventTypes.PanelMessage, fence.Id), "the fence");
        Assert.DoesNotContain(bystander, e => About(e, reply.Id));
    }

    [Fact]
    public async Task Channel_PrivateMessage_IsNotUnreadForABystander_ButIsForTheTarget_UntilItMarksRead()
    {
        var w = await NewPanelAsync();
        await w.Channel.SendMessageAsync(w.PanelId, w.Bystander, Draft("public"), null);
        await w.Channel.SendMessageAsync(w.PanelId, w.Sender, Private("secret", w.Target), null);
        var panel = cluster.Grains(0).GetGrain<IPanelGrain>(w.PanelId);

        async Task<int> UnreadAsync(string user) => (await panel.ListChannelsAsync(user)).Single(c => c.Id == w.ChannelId).UnreadCount;

        Assert.Equal(2, await UnreadAsync(w.Target));
        Assert.Equal(0, await UnreadAsync(w.Bystander));
        var senderBefore = await UnreadAsync(w.Sender);
        Assert.Equal(1, senderBefore);

        // The private message is the room's newest: marking read must cover it.
        await w.Channel.MarkReadAsync(w.PanelId, w.Target);
        Assert.Equal(0, await UnreadAsync(w.Target));
    }

    [Fact]
    public async Task Channel_VisibleTo_MustBeSomeoneElseWhoCanViewTheChannel()
    {
        var w = await NewPanelAsync();
        var stranger = await cluster.Accounts.RegisterAsync(NewName(), "correct horse");
        var panel = cluster.Grains(0).GetGrain<IPanelGrain>(w.PanelId);
        var hidden = await panel.CreateChannelAsync(w.Bystander, "staff", null, null);
        await panel.PutOverrideAsync(w.Bystander, hidden.Id, "everyone", Permission.None, Permission.ViewChannel);
        var hiddenChannel = cluster.Grains(0).GetGrain<IChannelGrain>(hidden.Id);

        await AssertStatusAsync(400, () => w.Channel.SendMessageAsync(w.PanelId, w.Sender, Private("x", w.Sender), null));
        await AssertStatusAsync(400, () => w.Channel.SendMessageAsync(w.PanelId, w.Sender, Private("x", stranger.User.Id), null));
        await AssertStatusAsync(400, () => w.Channel.SendMessageAsync(w.PanelId, w.Sender, Private("x", "bot-nosuchuser"), null));
        await AssertStatusAsync(400, () => hiddenChannel.SendMessageAsync(w.PanelId, w.Bystander, Private("x", w.Target), null));

        Assert.Empty(await ListAsync(w, w.Target));
        Assert.Empty(await hiddenChannel.ListMessagesAsync(w.PanelId, w.Bystander, 10, null, null));
    }

    [Fact]
    public async Task Group_PrivateMessage_IsListedAndDeliveredForSenderAndTargetOnly_AndLastMessageIdStaysPublic()
    {
        var owner = await cluster.Accounts.RegisterAsync(NewName(), "correct horse");
        var a = await cluster.Accounts.CreateAppAsync(owner.User.Id, "a", "", []);
        var b = await cluster.Accounts.CreateAppAsync(owner.User.Id, "b", "", []);
        var (sender, target, bystander) = (a.App.Id, b.App.Id, owner.User.Id);
        var group = cluster.Grains(0).GetGrain<IConversationGrain>(Ids.NewId("c-"));
        await group.CreateGroupAsync(owner.User.Id, "g", [a.App.Id, b.App.Id]);
        var sessions = await ListenAcrossAsync(group, sender, target, bystander);
        var trigger = await group.SendMessageAsync(target, Draft("hey"), null);

        var reply = await group.SendMessageAsync(sender, Private($"<@{target}> <@{bystander}>", target, replyTo: trigger.Id), null);
        var conversation = await group.GetAsync(bystander);
        var fence = await group.SendMessageAsync(bystander, Draft("fence"), null);

        Assert.Equal(trigger.Id, conversation.LastMessageId);
        Assert.Equal([target], reply.Mentions);
        Assert.Equal([fence.Id, reply.Id, trigger.Id], (await group.ListMessagesAsync(target, 10, null, null)).Select(m => m.Id));
        Assert.Equal([fence.Id, trigger.Id], (await group.ListMessagesAsync(bystander, 10, null, null)).Select(m => m.Id));
        Assert.Equal([trigger.Id], (await group.ListMessagesAsync(bystander, 1, fence.Id, null)).Select(m => m.Id));
        Assert.Equal([fence.Id], (await group.ListMessagesAsync(bystander, 1, null, trigger.Id)).Select(m => m.Id));
        foreach (var user in new[] { sender, target })
        {
            var events = await sessions.WaitForAsync(user, events => Has(events, EventTypes.MessageNew, fence.Id), "the fence");
            Assert.True(Has(events, EventTypes.MessageNew, reply.Id), $"{user} did not get the private message");
        }

        var seen = await sessions.WaitForAsync(bystander, events => Has(events, EventTypes.MessageNew, fence.Id), "the fence");
        Assert.False(Has(seen, EventTypes.MessageNew, reply.Id) || Has(seen, EventTypes.Mention, reply.Id), "a bystander got the private message");
        Assert.True(Has(await sessions.WaitForAsync(target, events => Has(events, EventTypes.Mention, reply.Id), "the mention"), EventTypes.Mention, reply.Id));

        var byId = cluster.Grains(1).GetGrain<IMessageGrain>(reply.Id);
        await AssertStatusAsync(404, () => byId.EditAsync(bystander, "x"));
        await AssertStatusAsync(404, () => byId.DeleteAsync(bystander));
        await AssertStatusAsync(404, () => byId.AddReactionAsync(bystander, "👍"));
        await AssertStatusAsync(400, () => group.SendMessageAsync(bystander, Draft("re", replyTo: reply.Id), null));
        await AssertStatusAsync(400, () => group.SendMessageAsync(sender, Private("x", sender), null));
    }

    [Fact]
    public async Task Dm_PrivateMessage_MustBeVisibleToThePeer()
    {
        var owner = await cluster.Accounts.RegisterAsync(NewName(), "correct horse");
        var a = await cluster.Accounts.CreateAppAsync(owner.User.Id, "a", "", []);
        var b = await cluster.Accounts.CreateAppAsync(owner.User.Id, "b", "", []);
        var dm = cluster.Grains(0).GetGrain<IConversationGrain>(Ids.DmId(Ids.DmKey(a.App.Id, b.App.Id)));
        await dm.OpenDmAsync(a.App.Id, b.App.Id);

        await AssertStatusAsync(400, () => dm.SendMessageAsync(a.App.Id, Private("x", owner.User.Id), null));
        var reply = await dm.SendMessageAsync(a.App.Id, Private("for b", b.App.Id), null);

        Assert.Equal([reply.Id], (await dm.ListMessagesAsync(b.App.Id, 10, null, null)).Select(m => m.Id));
        Assert.Null((await dm.GetAsync(b.App.Id)).LastMessageId);
    }

    [Fact]
    public async Task IdempotencyKey_ReusedForAPrivateVersionOfTheSameBody_IsAConflict()
    {
        var w = await NewPanelAsync();
        await w.Channel.SendMessageAsync(w.PanelId, w.Sender, Draft("same"), "key-1");

        await AssertStatusAsync(409, () => w.Channel.SendMessageAsync(w.PanelId, w.Sender, Private("same", w.Target), "key-1"));
        var first = await w.Channel.SendMessageAsync(w.PanelId, w.Sender, Private("same", w.Target), "key-2");
        var retry = await w.Channel.SendMessageAsync(w.PanelId, w.Sender, Private("same", w.Target), "key-2");
        Assert.Equal(first.Id, retry.Id);
    }

    [Fact]
    public void VisibleTo_SurvivesOrleansSerialization_BetweenSilos()
    {
        var serializer = cluster.Services(0).GetRequiredService<Serializer>();
        var dto = new MessageDto("msg-1", "c-1", null, null, "bot-a", new SenderDto("bot-a", "A", true, ""), "hi", false, false,
            ["u-b"], null, [], false, DateTimeOffset.UnixEpoch, null, "u-b");
        var draft = new MessageDraft("hi", false, false, [], null, "u-b");

        Assert.Equal("u-b", serializer.Deserialize<MessageDto>(serializer.SerializeToArray(dto))?.VisibleTo);
        Assert.Equal("u-b", serializer.Deserialize<MessageDraft>(serializer.SerializeToArray(draft))?.VisibleTo);
    }

    private async Task<string[]> ListAsync(PanelWorld w, string viewer) =>
        [.. (await w.Channel.ListMessagesAsync(w.PanelId, viewer, 10, null, null)).Select(m => m.Id)];

    /// <summary>Connects the users on the silo that does not host the room grain (activated first).</summary>
    private async Task<RecordingSessions> ListenAcrossAsync(IAddressable room, params string[] users)
    {
        var silo = 1 - await cluster.SiloOfAsync(room);
        var sessions = cluster.Sessions(silo);
        foreach (var user in users)
        {
            sessions.Connect(user);
        }

        return sessions;
    }

    private async Task<PanelWorld> NewPanelAsync()
    {
        var owner = await cluster.Accounts.RegisterAsync(NewName(), "correct horse");
        var a = await cluster.Accounts.CreateAppAsync(owner.User.Id, "webhook", "", []);
        var b = await cluster.Accounts.CreateAppAsync(owner.User.Id, "asker", "", []);
        var panelId = Ids.NewId("panel-");
        var panel = cluster.Grains(0).GetGrain<IPanelGrain>(panelId);
        await panel.CreateAsync(owner.User.Id, "private");
        await panel.AddBotAsync(owner.User.Id, a.App.Id);
        await panel.AddBotAsync(owner.User.Id, b.App.Id);

        // A channel of its own: the join announcements went to general.
        var channel = await panel.CreateChannelAsync(owner.User.Id, "help", null, null);
        var grain = cluster.Grains(0).GetGrain<IChannelGrain>(channel.Id);
        await grain.ListMessagesAsync(panelId, owner.User.Id, 1, null, null);
        return new PanelWorld(panelId, channel.Id, grain, a.App.Id, b.App.Id, owner.User.Id);
    }

    private static async Task AssertStatusAsync(int status, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<ApiException>(call);
        Assert.Equal(status, error.StatusCode);
    }

    private static bool Has(IReadOnlyList<RecordedEvent> events, string type, string messageId) =>
        events.Any(e => e.Type == type && MessageId(e) == messageId);

    private static string? MessageId(RecordedEvent e) =>
        e.Payload.TryGetProperty("message", out var m) && m.TryGetProperty("id", out var id) ? id.GetString() : null;

    /// <summary>Whether an edit, delete or reaction event is about <paramref name="messageId"/>.</summary>
    private static bool About(RecordedEvent e, string messageId) =>
        MessageId(e) == messageId
        || (e.Payload.TryGetProperty("message_id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == messageId);

    private static MessageDraft Draft(string text, string? replyTo = null) => new(text, false, false, [], replyTo);

    private static MessageDraft Private(string text, string visibleTo, IReadOnlyList<string>? mentions = null, string? replyTo = null) =>
        new(text, false, false, mentions ?? [], replyTo, visibleTo);

    private static string NewName() => "u" + Guid.NewGuid().ToString("N")[..12];

    private sealed record PanelWorld(string PanelId, string ChannelId, IChannelGrain Channel, string Sender, string Target, string Bystander);
}
