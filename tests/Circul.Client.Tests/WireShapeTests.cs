using Circul.Contracts;

namespace Circul.Client.Tests;

/// <summary>The SDK has its own model types: these tests serialize the server's own DTOs with the server's JSON
/// settings and read them with the SDK's, so a field renamed on one side fails here.</summary>
public sealed class WireShapeTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 10, 0, 0, 123, TimeSpan.Zero);

    private static T RoundTrip<T>(object serverDto) =>
        JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(serverDto, serverDto.GetType(), CirculJson.Options), ClientJson.Options)!;

    [Fact]
    public void Message_ReadsEveryField()
    {
        var dto = new MessageDto(
            "msg-1", "ch-1", "panel-1", "ch-1", "u-1", new SenderDto("u-1", "Ann", false, "/avatars/a.png"), "hi", true, false,
            ["bot-1"], "msg-0", [new ReactionDto("👍", 1, ["u-2"])], false, At, At.AddMinutes(1));

        var message = RoundTrip<Message>(dto);

        Assert.Equal(
            new { dto.Id, dto.ConvId, dto.PanelId, dto.ChannelId, dto.SenderId, dto.Text, dto.Bold, dto.Italic, dto.ReplyToId, dto.IsSystem, dto.CreatedAt, dto.EditedAt },
            new { message.Id, message.ConvId, message.PanelId, message.ChannelId, message.SenderId, message.Text, message.Bold, message.Italic, message.ReplyToId, message.IsSystem, message.CreatedAt, message.EditedAt });
        Assert.Equal(new MessageSender { Id = "u-1", Name = "Ann", IsBot = false, AvatarUrl = "/avatars/a.png" }, message.Sender);
        Assert.Equal(["bot-1"], message.Mentions);
        var reaction = Assert.Single(message.Reactions);
        Assert.Equal(("👍", 1, "u-2"), (reaction.Emoji, reaction.Count, Assert.Single(reaction.UserIds)));
    }

    [Fact]
    public void Message_ReadsVisibleToOfAPrivateMessage()
    {
        var dto = new MessageDto(
            "msg-2", "ch-1", "panel-1", "ch-1", "bot-hook", new SenderDto("bot-hook", "Hook", true, ""), "only for you", false, false,
            ["bot-1"], "msg-1", [], false, At, null, VisibleTo: "bot-1");

        var message = RoundTrip<Message>(dto);

        Assert.Equal("bot-1", message.VisibleTo);
        Assert.True(message.IsPrivate);
        Assert.False(RoundTrip<Message>(dto with { VisibleTo = null }).IsPrivate);
    }

    [Fact]
    public void PanelChannelMemberAndUser_ReadEveryField()
    {
        var panel = RoundTrip<Panel>(new PanelDto(
            "panel-1", "Weather", "u-1", ["u-1", "bot-1"], 2, [new RoleDto("role-1", "mods", "#ff0000", 1, ["kick_members"])],
            [new CategoryDto("cat-1", "Text", ["ch-1"])], new Dictionary<string, IReadOnlyList<string>> { ["bot-1"] = ["role-1"] },
            ["view_channel"]));
        Assert.Equal(("panel-1", "Weather", "u-1", 2), (panel.Id, panel.Name, panel.CreatorId, panel.MemberCount));
        Assert.Equal(["u-1", "bot-1"], panel.MemberIds);
        Assert.Equal(("role-1", "mods", "#ff0000", 1, "kick_members"), (panel.Roles[0].Id, panel.Roles[0].Name, panel.Roles[0].Color, panel.Roles[0].Position, panel.Roles[0].Permissions[0]));
        Assert.Equal(("cat-1", "Text", "ch-1"), (panel.Categories[0].Id, panel.Categories[0].Name, panel.Categories[0].ChannelIds[0]));
        Assert.Equal(["role-1"], panel.MemberRoles["bot-1"]);
        Assert.Equal(["view_channel"], panel.EveryonePermissions);

        var channel = RoundTrip<PanelChannel>(new ChannelDto("ch-1", "panel-1", "general", "cat-1", "talk", 3, [new OverrideDto("everyone", ["add_reactions"], ["send_messages"])], 7));
        Assert.Equal(("ch-1", "panel-1", "general", "cat-1", "talk", 3, 7), (channel.Id, channel.PanelId, channel.Name, channel.CategoryId, channel.Topic, channel.Position, channel.UnreadCount));
        Assert.Equal(("everyone", "add_reactions", "send_messages"), (channel.Overrides[0].RoleId, channel.Overrides[0].Allow[0], channel.Overrides[0].Deny[0]));

        var member = RoundTrip<PanelMember>(new PanelMemberDto("bot-1", "Weather", "online", true, "u-1", ["role-1"]));
        Assert.Equal(("bot-1", "Weather", "online", true, "u-1", "role-1"), (member.Id, member.Name, member.Status, member.IsBot, member.OwnerId, member.RoleIds[0]));

        var user = RoundTrip<CirculUser>(new UserDto("bot-1", "Weather", true, "u-1", "busy", "raining", "bio", "/avatars/x.png", "/banners/y.png"));
        Assert.Equal(new CirculUser { Id = "bot-1", Name = "Weather", IsBot = true, OwnerId = "u-1", Status = "busy", Mood = "raining", Bio = "bio", AvatarUrl = "/avatars/x.png", BannerUrl = "/banners/y.png" }, user);

        var conversation = RoundTrip<Conversation>(new ConversationDto("c-1", "group", "g", ["u-1", "bot-1"], "u-1", At, "msg-9"));
        Assert.Equal(("c-1", "group", "g", "u-1", At, "msg-9", true), (conversation.Id, conversation.Kind, conversation.Name, conversation.OwnerId, conversation.CreatedAt, conversation.LastMessageId, conversation.IsGroup));

        var invite = RoundTrip<PanelInvite>(new InviteDto("abc", "panel-1", At, 5, 1));
        Assert.Equal(("abc", "panel-1", (DateTimeOffset?)At, 5, 1), (invite.Code, invite.PanelId, invite.ExpiresAt, invite.MaxUses, invite.Uses));
    }

    [Fact]
    public void EventPayloads_ReadIntoTheEventArgs()
    {
        Assert.Equal(
            new ReactionEventArgs { MessageId = "msg-1", Emoji = "🔥", UserId = "u-1", ConvId = "ch-1", PanelId = "panel-1", ChannelId = "ch-1" },
            RoundTrip<ReactionEventArgs>(new ReactionPayload("msg-1", "🔥", "u-1", "ch-1", "panel-1", "ch-1")));
        Assert.Equal(
            new MessageDeletedEventArgs { ConvId = "c-1", MessageId = "msg-1" },
            RoundTrip<MessageDeletedEventArgs>(new MessageDeletedPayload("c-1", null, null, "msg-1")));
        Assert.Equal(new StatusChangedEventArgs { UserId = "u-1", Status = "away" }, RoundTrip<StatusChangedEventArgs>(new StatusChangePayload("u-1", "away")));
        Assert.Equal(new AvatarUpdatedEventArgs { UserId = "u-1", AvatarUrl = "/a" }, RoundTrip<AvatarUpdatedEventArgs>(new AvatarUpdatedPayload("u-1", "/a")));
        Assert.Equal(new PanelBannedEventArgs { PanelId = "panel-1", PanelName = "P", Reason = "spam" }, RoundTrip<PanelBannedEventArgs>(new PanelBannedPayload("panel-1", "P", "spam")));
    }
}
