using Circul.Client.Tests.Infrastructure;
using WeatherBot;

namespace Circul.Client.Tests;

/// <summary>The WeatherBot example's handlers on the SDK against a real silo, with humans driving over REST.</summary>
public sealed class WeatherBotTests(SqliteSiloFixture fixture) : IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task Ready_CacheHoldsThePanelsAndTheirChannels()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        var ready = new EventRecorder<ReadyEventArgs>();
        world.Bot.Ready += ready.Handler;

        await world.Bot.StartAsync();

        var panel = world.Bot.GetPanel(world.PanelId);
        Assert.NotNull(panel);
        Assert.Equal(world.PanelName, panel.Name);
        Assert.Equal(2, panel.MemberCount);
        Assert.Contains(world.BotAccount.Id, panel.MemberIds);
        Assert.Equal(world.GeneralId, world.Bot.FindChannel(world.PanelId, "general")?.Id);
        Assert.All(world.Bot.GetChannels(world.PanelId), c => Assert.Equal(world.PanelId, c.PanelId));
        Assert.Equal(world.BotAccount.Id, world.Bot.CurrentUser?.Id);
        var args = await ready.WaitForAsync(_ => true, "the Ready handler");
        Assert.False(args.IsReconnect);
        Assert.Equal(world.Bot.SessionId, args.SessionId);
    }

    [Fact]
    public async Task Mention_IsAnsweredWithAReplyThatMentionsTheSender()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        world.Bot.AddWeatherBot();
        await world.Bot.StartAsync();

        var asked = await world.OwnerSaysAsync($"<@{world.BotAccount.Id}> Paris?");

        var reply = await world.NextBotMessageAsync(what: "the bot's answer to the mention");
        Assert.Equal(asked.Str("id"), reply.NullableStr("reply_to_id"));
        Assert.Contains(world.Owner.Id, reply.Strings("mentions"));
        Assert.Equal(WeatherBotHandlers.Forecast("Paris"), reply.Str("text"));
    }

    [Fact]
    public async Task JoiningMember_IsWelcomedInGeneral_AndInfoCountsThem()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        world.Bot.AddWeatherBot();
        var joined = new EventRecorder<MemberEventContext>(c => c.UserId);
        world.Bot.MemberJoined += joined.Handler;
        await world.Bot.StartAsync();
        var invite = (await world.Owner.PostAsync($"/api/panels/{world.PanelId}/invites", new { })).Expect(HttpStatusCode.Created).Json;
        var guest = await fixture.NewHumanAsync();

        (await guest.PostAsync($"/api/invites/{invite.Str("code")}/accept")).Expect(HttpStatusCode.OK);

        var welcome = await world.NextBotMessageAsync(what: "the welcome");
        Assert.Equal(world.GeneralId, welcome.Str("channel_id"));
        Assert.Equal($"Welcome <@{guest.Id}>!", welcome.Str("text"));
        Assert.Contains(guest.Id, welcome.Strings("mentions"));
        await joined.WaitForAsync(c => c.UserId == guest.Id, "the join");
        Assert.Equal(3, world.Bot.GetPanel(world.PanelId)!.MemberCount);

        var info = await world.OwnerSaysAsync("!info");

        var answer = await world.NextBotMessageAsync(m => m.NullableStr("reply_to_id") == info.Str("id"), "the answer to !info");
        Assert.Equal($"{world.PanelName} — 3 members", answer.Str("text"));
    }

    [Fact]
    public async Task CommandsFromBots_AreIgnoredByDefault()
    {
        var options = BotWorld.FastOptions();
        options.RunHandlersConcurrently = false;
        await using var world = await BotWorld.CreateAsync(fixture, options);
        world.Bot.AddWeatherBot();
        await world.Bot.StartAsync();
        var otherBot = await fixture.NewBotAsync(world.Owner);
        (await world.Owner.PostAsync($"/api/panels/{world.PanelId}/bots", new { bot_id = otherBot.Id })).Expect(HttpStatusCode.Created);

        var fromBot = (await otherBot.PostAsync($"/api/panels/{world.PanelId}/channels/{world.GeneralId}/messages", new { text = "!info" }))
            .Expect(HttpStatusCode.Created).Json;
        var fromHuman = await world.OwnerSaysAsync("!info");

        // The bot handles events in order: once it answered the human's later command, it had seen the bot's.
        await world.NextBotMessageAsync(m => m.NullableStr("reply_to_id") == fromHuman.Str("id"), "the answer to the human's !info");
        Assert.Empty(world.OwnerGateway.ReceivedOf(
            "panel_message",
            e => e.Payload.Prop("message").Str("sender_id") == world.BotAccount.Id
                 && e.Payload.Prop("message").NullableStr("reply_to_id") == fromBot.Str("id")));
    }

    [Fact]
    public async Task ConfiguredPrefix_RunsCommandsWithTheirArguments()
    {
        var options = BotWorld.FastOptions();
        options.CommandPrefix = "?";
        await using var world = await BotWorld.CreateAsync(fixture, options);
        var calls = new EventRecorder<CommandContext>(c => c.RawArgs);
        world.Bot.Command("Echo", calls.Handler);
        await world.Bot.StartAsync();

        await world.OwnerSaysAsync("!echo ignored");
        var sent = await world.OwnerSaysAsync("?ECHO one \"two three\"");

        var call = await calls.WaitForAsync(c => c.Message.Id == sent.Str("id"), "the ?echo command");
        Assert.Equal("echo", call.Command);
        Assert.Equal(["one", "two three"], call.Args);
        Assert.Equal(world.PanelName, call.Panel?.Name);
        Assert.Equal("general", call.Channel?.Name);
        Assert.Equal(1, calls.Count(_ => true));
    }
}
