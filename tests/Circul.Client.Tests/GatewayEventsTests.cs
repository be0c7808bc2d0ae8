using Circul.Client.Tests.Infrastructure;
using Circul.Grains.Conversations;
using Circul.Grains.Panels;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace Circul.Client.Tests;

/// <summary>Each gateway event of API.md section 8 reaches its typed handler with its data.</summary>
public sealed class GatewayEventsTests(SqliteSiloFixture fixture) : IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task DirectMessages_EditsReactionsAndDeletes_ReachTheirHandlers()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        var conversation = new EventRecorder<MessageContext>(c => c.Text);
        var panelMessages = new EventRecorder<MessageContext>(c => c.Text);
        var mentions = new EventRecorder<MessageContext>(c => c.Text);
        var panelMentions = new EventRecorder<MessageContext>(c => c.Text);
        var edits = new EventRecorder<MessageEditedEventArgs>(e => e.Text);
        var added = new EventRecorder<ReactionEventArgs>(e => e.Emoji);
        var removed = new EventRecorder<ReactionEventArgs>(e => e.Emoji);
        var deletes = new EventRecorder<MessageDeletedEventArgs>(e => e.MessageId);
        world.Bot.ConversationMessageReceived += conversation.Handler;
        world.Bot.PanelMessageReceived += panelMessages.Handler;
        world.Bot.Mentioned += mentions.Handler;
        world.Bot.PanelMentioned += panelMentions.Handler;
        world.Bot.MessageEdited += edits.Handler;
        world.Bot.ReactionAdded += added.Handler;
        world.Bot.ReactionRemoved += removed.Handler;
        world.Bot.MessageDeleted += deletes.Handler;
        await world.Bot.StartAsync();
        var dm = (await world.Owner.PostAsync("/api/conversations", new { peer_id = world.BotAccount.Id })).Expect(HttpStatusCode.OK).Json.Str("id");

        var sent = await SiloFixture.SendAsync(world.Owner, dm, $"<@{world.BotAccount.Id}> hello in private");
        var id = sent.Str("id");

        var received = await conversation.WaitForAsync(c => c.Message.Id == id, "the DM");
        Assert.False(received.IsPanel);
        Assert.Null(received.Panel);
        Assert.Equal(dm, received.RoomId);
        Assert.True(received.MentionedMe);
        Assert.False(received.Sender.IsBot);
        await mentions.WaitForAsync(c => c.Message.Id == id, "the DM mention");

        (await world.Owner.PatchAsync($"/api/messages/{id}", new { text = "edited" })).Expect(HttpStatusCode.OK);
        var edit = await edits.WaitForAsync(e => e.MessageId == id, "message_edited");
        Assert.Equal(("edited", dm, (string?)null), (edit.Text, edit.ConvId, edit.PanelId));
        Assert.NotNull(edit.EditedAt);

        (await world.Owner.PostAsync($"/api/messages/{id}/reactions", new { emoji = "🌧" })).Expect(HttpStatusCode.NoContent);
        var reaction = await added.WaitForAsync(e => e.MessageId == id, "reaction_added");
        Assert.Equal(("🌧", world.Owner.Id, dm), (reaction.Emoji, reaction.UserId, reaction.ConvId));
        (await world.Owner.DeleteAsync($"/api/messages/{id}/reactions/{Uri.EscapeDataString("🌧")}")).Expect(HttpStatusCode.NoContent);
        await removed.WaitForAsync(e => e.MessageId == id && e.Emoji == "🌧", "reaction_removed");

        (await world.Owner.DeleteAsync($"/api/messages/{id}")).Expect(HttpStatusCode.NoContent);
        Assert.Equal(dm, (await deletes.WaitForAsync(e => e.MessageId == id, "message_deleted")).ConvId);

        // A mention in a panel reaches both mention handlers; the DM mention above reached only Mentioned.
        var inPanel = await world.OwnerSaysAsync($"<@{world.BotAccount.Id}> and in public");
        await panelMentions.WaitForAsync(c => c.Message.Id == inPanel.Str("id"), "the panel mention");
        await panelMessages.WaitForAsync(c => c.Message.Id == inPanel.Str("id"), "the panel message");
        Assert.DoesNotContain(panelMentions.Items, c => c.Message.Id == id);
        Assert.DoesNotContain(conversation.Items, c => c.Message.Id == inPanel.Str("id"));
    }

    [Fact]
    public async Task APrivateReply_ReachesTheBotItIsVisibleTo_WithVisibleToSet()
    {
        var options = BotWorld.FastOptions();
        options.IgnoreBotMessages = false;
        await using var world = await BotWorld.CreateAsync(fixture, options);
        var hook = await fixture.NewBotAsync(world.Owner);
        (await world.Owner.PostAsync($"/api/panels/{world.PanelId}/bots", new { bot_id = hook.Id })).Expect(HttpStatusCode.Created);
        var messages = new EventRecorder<MessageContext>(c => c.Text);
        world.Bot.PanelMessageReceived += messages.Handler;
        await world.Bot.StartAsync();
        var trigger = (await world.OwnerSaysAsync("a question")).Str("id");

        // REST cannot make a private message: the server posts one for a webhook bot, as this does through the grain.
        var grains = fixture.Silo.Services.GetRequiredService<IGrainFactory>();
        var sent = await grains.GetGrain<IChannelGrain>(world.GeneralId).SendMessageAsync(
            world.PanelId, hook.Id, new MessageDraft("only for you", false, false, [], trigger, world.BotAccount.Id), null);

        var received = await messages.WaitForAsync(c => c.Message.Id == sent.Id, "the private reply");
        Assert.Equal(world.BotAccount.Id, received.Message.VisibleTo);
        Assert.True(received.Message.IsPrivate);
        var listed = await world.Bot.Rest.GetChannelMessagesAsync(world.PanelId, world.GeneralId);
        Assert.Equal(world.BotAccount.Id, Assert.Single(listed, m => m.Id == sent.Id).VisibleTo);
        Assert.Null(Assert.Single(listed, m => m.Id == trigger).VisibleTo);
    }

    [Fact]
    public async Task PresenceProfileAndAvatarChanges_ReachTheirHandlers()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        var statuses = new EventRecorder<StatusChangedEventArgs>(e => $"{e.UserId} {e.Status}");
        var users = new EventRecorder<CirculUser>(u => $"{u.Id} {u.Mood}");
        var avatars = new EventRecorder<AvatarUpdatedEventArgs>(e => e.UserId);
        world.Bot.StatusChanged += statuses.Handler;
        world.Bot.UserUpdated += users.Handler;
        world.Bot.AvatarUpdated += avatars.Handler;
        await world.Bot.StartAsync();

        (await world.Owner.PatchAsync("/api/me", new { status = "away", mood = "out for a walk" })).Expect(HttpStatusCode.OK);
        await statuses.WaitForAsync(e => e.UserId == world.Owner.Id && e.Status == "away", "the owner's status_change");
        await users.WaitForAsync(u => u.Id == world.Owner.Id && u.Mood == "out for a walk", "the owner's user_updated");

        (await world.Owner.PostAsync("/api/me/avatar", new { data = TestImages.Base64(TestImages.Png), mime = "image/png" })).Expect(HttpStatusCode.OK);
        var avatar = await avatars.WaitForAsync(e => e.UserId == world.Owner.Id, "avatar_updated");
        Assert.StartsWith("/avatars/", avatar.AvatarUrl, StringComparison.Ordinal);

        await world.Bot.SetStatusAsync(UserStatus.Busy, "forecasting");
        await users.WaitForAsync(u => u.Id == world.BotAccount.Id && u.Mood == "forecasting", "the bot's own user_updated");
        Assert.Equal(("busy", "forecasting"), (world.Bot.CurrentUser?.Status, world.Bot.CurrentUser?.Mood));
    }

    [Fact]
    public async Task BanningTheBot_FiresPanelBanned_AndDropsThePanelFromTheCache()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        var bans = new EventRecorder<PanelBannedEventArgs>(e => e.PanelId);
        world.Bot.PanelBanned += bans.Handler;
        await world.Bot.StartAsync();
        Assert.NotNull(world.Bot.GetPanel(world.PanelId));

        (await world.Owner.PostAsync($"/api/panels/{world.PanelId}/bans", new { user_id = world.BotAccount.Id, reason = "too sunny" }))
            .Expect(HttpStatusCode.Created);

        var ban = await bans.WaitForAsync(e => e.PanelId == world.PanelId, "panel_banned");
        Assert.Equal((world.PanelName, "too sunny"), (ban.PanelName, ban.Reason));
        Assert.Null(world.Bot.GetPanel(world.PanelId));
        Assert.Empty(world.Bot.GetChannels(world.PanelId));
    }
}
