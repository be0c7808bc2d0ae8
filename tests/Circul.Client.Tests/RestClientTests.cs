using Circul.Client.Tests.Infrastructure;

namespace Circul.Client.Tests;

/// <summary>The REST client against a real silo: results, the typed errors, and the whole surface a bot uses.</summary>
public sealed class RestClientTests(SqliteSiloFixture fixture) : IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task Errors_SurfaceAsCirculApiException_WithTheServersStatusAndText()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        var rest = world.Bot.Rest;

        var notFound = await Assert.ThrowsAsync<CirculApiException>(() => rest.GetPanelAsync("panel-doesnotexist"));
        var raw = (await world.BotAccount.GetAsync("/api/panels/panel-doesnotexist")).ExpectError(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal(raw, notFound.Error);

        var forbidden = await Assert.ThrowsAsync<CirculApiException>(() => rest.CreateChannelAsync(world.PanelId, "nope"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("missing permission: manage_channels", forbidden.Error);

        var before = await rest.GetMeAsync();
        var badRequest = await Assert.ThrowsAsync<CirculApiException>(() => world.Bot.SetStatusAsync("sleeping"));
        Assert.Equal(HttpStatusCode.BadRequest, badRequest.StatusCode);
        Assert.Contains("status", badRequest.Error, StringComparison.Ordinal);
        Assert.Equal(before, await rest.GetMeAsync());

        using var revoked = new CirculRestClient(new Uri(fixture.BaseUrl), "cb_not-a-real-token");
        var unauthorized = await Assert.ThrowsAsync<CirculApiException>(() => revoked.GetMeAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    [Fact]
    public async Task SetStatusBusyWithMood_IsWhatOthersSee()
    {
        await using var world = await BotWorld.CreateAsync(fixture);

        var me = await world.Bot.SetStatusAsync(UserStatus.Busy, "crunching forecasts");

        Assert.Equal("busy", me.Status);
        Assert.Equal("crunching forecasts", me.Mood);
        var seen = (await world.Owner.GetAsync($"/api/users/{world.BotAccount.Id}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("busy", seen.Str("status"));
        Assert.Equal("crunching forecasts", seen.Str("mood"));
    }

    [Fact]
    public async Task MessagesReactionsDmsGroupsAndAvatar_RoundTripThroughTheServer()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        var rest = world.Bot.Rest;

        var sent = await rest.SendChannelMessageAsync(world.PanelId, world.GeneralId, "hello", new SendMessageOptions { Bold = true, Mentions = [world.Owner.Id] });
        Assert.True(sent.Bold);
        Assert.Equal([world.Owner.Id], sent.Mentions);
        Assert.Equal(world.PanelId, sent.PanelId);
        var edited = await rest.EditMessageAsync(sent.Id, "hello again");
        Assert.Equal("hello again", edited.Text);
        Assert.NotNull(edited.EditedAt);
        await rest.AddReactionAsync(sent.Id, "👍");
        var reacted = Assert.Single(await rest.GetChannelMessagesAsync(world.PanelId, world.GeneralId), m => m.Id == sent.Id);
        Assert.Equal([world.BotAccount.Id], Assert.Single(reacted.Reactions).UserIds);
        await rest.RemoveReactionAsync(sent.Id, "👍");
        var history = await rest.GetChannelMessagesAsync(world.PanelId, world.GeneralId, new MessageQuery { Limit = 10 });
        Assert.Empty(Assert.Single(history, m => m.Id == sent.Id).Reactions);
        await rest.DeleteMessageAsync(sent.Id);
        Assert.DoesNotContain(await rest.GetChannelMessagesAsync(world.PanelId, world.GeneralId), m => m.Id == sent.Id);

        var dm = await rest.OpenDmAsync(world.Owner.Id);
        Assert.Equal("dm", dm.Kind);
        var first = await rest.SendMessageAsync(dm.Id, "one");
        var second = await rest.SendMessageAsync(dm.Id, "two");
        var after = await rest.GetMessagesAsync(dm.Id, new MessageQuery { After = first.Id });
        Assert.Equal([second.Id], after.Select(m => m.Id));
        Assert.Contains(await rest.GetConversationsAsync(), c => c.Id == dm.Id);

        var group = await rest.CreateGroupAsync("forecasters", [world.Owner.Id]);
        Assert.True(group.IsGroup);
        Assert.Contains(world.Owner.Id, group.MemberIds);
        await rest.SendMessageAsync(group.Id, "group hello");

        var members = await rest.GetMembersAsync(world.PanelId);
        Assert.Contains(members, m => m.Id == world.BotAccount.Id && m.IsBot);

        var withAvatar = await rest.UploadAvatarAsync(TestImages.Png, "image/png");
        Assert.NotEqual("", withAvatar.AvatarUrl);
        await rest.DeleteAvatarAsync();
        Assert.Equal("", (await rest.GetMeAsync()).AvatarUrl);
    }
}
