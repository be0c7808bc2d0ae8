using Circul.Client.Tests.Infrastructure;

namespace Circul.Client.Tests;

/// <summary>The panel/channel cache follows gateway events.</summary>
public sealed class CacheTests(SqliteSiloFixture fixture) : IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task ChannelCreatedUpdatedAndDeleted_UpdateTheCache()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        var created = new EventRecorder<PanelChannel>(c => c.Name);
        var updated = new EventRecorder<PanelChannel>(c => c.Name);
        var deleted = new EventRecorder<ChannelDeletedEventArgs>(c => c.ChannelId);
        world.Bot.ChannelCreated += created.Handler;
        world.Bot.ChannelUpdated += updated.Handler;
        world.Bot.ChannelDeleted += deleted.Handler;
        await world.Bot.StartAsync();

        var channel = (await world.Owner.PostAsync($"/api/panels/{world.PanelId}/channels", new { name = "forecasts" }))
            .Expect(HttpStatusCode.Created).Json;
        var channelId = channel.Str("id");
        await created.WaitForAsync(c => c.Id == channelId, "panel_channel_created");
        Assert.Equal("forecasts", world.Bot.GetChannel(channelId)?.Name);
        Assert.Contains(world.Bot.GetChannels(world.PanelId), c => c.Id == channelId);

        (await world.Owner.PatchAsync($"/api/panels/{world.PanelId}/channels/{channelId}", new { name = "storms" })).Expect(HttpStatusCode.OK);
        await updated.WaitForAsync(c => c.Id == channelId && c.Name == "storms", "panel_channel_updated");
        Assert.Equal("storms", world.Bot.GetChannel(channelId)?.Name);

        (await world.Owner.DeleteAsync($"/api/panels/{world.PanelId}/channels/{channelId}")).Expect(HttpStatusCode.NoContent);
        var gone = await deleted.WaitForAsync(c => c.ChannelId == channelId, "panel_channel_deleted");
        Assert.Equal("storms", gone.Channel?.Name);
        Assert.Null(world.Bot.GetChannel(channelId));
        Assert.DoesNotContain(world.Bot.GetChannels(world.PanelId), c => c.Id == channelId);
    }

    [Fact]
    public async Task PanelRenamedAndMemberLeft_UpdateTheCachedPanel()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        var updates = new EventRecorder<Panel>(p => p.Name);
        var left = new EventRecorder<MemberEventContext>(c => c.UserId);
        var joined = new EventRecorder<MemberEventContext>(c => c.UserId);
        world.Bot.PanelUpdated += updates.Handler;
        world.Bot.MemberLeft += left.Handler;
        world.Bot.MemberJoined += joined.Handler;
        await world.Bot.StartAsync();
        var invite = (await world.Owner.PostAsync($"/api/panels/{world.PanelId}/invites", new { })).Expect(HttpStatusCode.Created).Json;
        var guest = await fixture.NewHumanAsync();
        (await guest.PostAsync($"/api/invites/{invite.Str("code")}/accept")).Expect(HttpStatusCode.OK);
        await joined.WaitForAsync(c => c.UserId == guest.Id, "the guest's join");
        Assert.Equal(3, world.Bot.GetPanel(world.PanelId)?.MemberCount);

        (await guest.DeleteAsync($"/api/panels/{world.PanelId}/members/{guest.Id}")).Expect(HttpStatusCode.NoContent);
        var leave = await left.WaitForAsync(c => c.UserId == guest.Id, "the guest's leave");
        Assert.Equal(2, leave.Panel?.MemberCount);
        Assert.DoesNotContain(guest.Id, world.Bot.GetPanel(world.PanelId)!.MemberIds);

        (await world.Owner.PatchAsync($"/api/panels/{world.PanelId}", new { name = "Renamed" })).Expect(HttpStatusCode.OK);
        await updates.WaitForAsync(p => p.Id == world.PanelId && p.Name == "Renamed", "panel_updated");
        Assert.Equal("Renamed", world.Bot.GetPanel(world.PanelId)?.Name);
    }

    [Fact]
    public async Task BotAddedToAPanelLater_CachesItAndItsChannels_AndForgetsItWhenDeleted()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        var joined = new EventRecorder<MemberEventContext>(c => c.PanelId);
        var deleted = new EventRecorder<PanelDeletedEventArgs>(c => c.PanelId);
        world.Bot.MemberJoined += joined.Handler;
        world.Bot.PanelDeleted += deleted.Handler;
        await world.Bot.StartAsync();
        var second = (await world.Owner.PostAsync("/api/panels", new { name = "Second" })).Expect(HttpStatusCode.Created).Json.Str("id");
        Assert.Null(world.Bot.GetPanel(second));

        (await world.Owner.PostAsync($"/api/panels/{second}/bots", new { bot_id = world.BotAccount.Id })).Expect(HttpStatusCode.Created);

        var join = await joined.WaitForAsync(c => c.PanelId == second && c.IsMe, "the bot's own join");
        Assert.Equal("Second", join.Panel?.Name);
        Assert.Equal("general", Assert.Single(world.Bot.GetChannels(second)).Name);

        (await world.Owner.DeleteAsync($"/api/panels/{second}")).Expect(HttpStatusCode.NoContent);
        var gone = await deleted.WaitForAsync(c => c.PanelId == second, "panel_deleted");
        Assert.Equal("Second", gone.Panel?.Name);
        Assert.Null(world.Bot.GetPanel(second));
        Assert.Empty(world.Bot.GetChannels(second));
    }
}
