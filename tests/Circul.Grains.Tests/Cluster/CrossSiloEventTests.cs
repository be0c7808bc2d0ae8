using Circul.Contracts;
using Circul.Grains.Conversations;
using Circul.Grains.Events;
using Circul.Grains.Panels;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace Circul.Grains.Tests.Cluster;

/// <summary>A channel grain on one silo and its panel grain on the other: events cross silos through the per-silo gateway
/// observers, in order, filtered by the same permission snapshot as REST; domain errors keep their status.</summary>
public sealed class CrossSiloEventTests(TwoSiloCluster cluster) : IClassFixture<TwoSiloCluster>
{
    [Fact]
    public Task ChannelMessages_FromAChannelGrainOnOneSilo_ReachASessionOnTheOther_InOrder() => ChannelMessagesCrossInOrderAsync(30);

    [Fact]
    public async Task PanelEvents_FromAPanelGrainOnOneSilo_ReachASessionOnTheOther()
    {
        var world = await NewPanelAsync();
        var (channelSilo, _) = await SplitAsync(world);
        cluster.Sessions(channelSilo).Connect(world.BotId);
        var newcomer = await cluster.Accounts.CreateAppAsync(world.OwnerId, "newcomer", "", []);

        await cluster.Grains(channelSilo).GetGrain<IPanelGrain>(world.PanelId).AddBotAsync(world.OwnerId, newcomer.App.Id);

        await cluster.Sessions(channelSilo).WaitForAsync(
            world.BotId,
            events => events.Any(e => e.Type == EventTypes.PanelMemberJoined && e.Payload.GetProperty("user_id").GetString() == newcomer.App.Id),
            "panel_member_joined for the newcomer");
    }

    [Fact]
    public async Task AChannelHiddenFromAMember_DoesNotLeakToItsSessionOnTheOtherSilo()
    {
        var world = await NewPanelAsync();
        var panel = cluster.Grains(0).GetGrain<IPanelGrain>(world.PanelId);
        var hidden = await panel.CreateChannelAsync(world.OwnerId, "staff", null, null);
        await panel.PutOverrideAsync(world.OwnerId, hidden.Id, "everyone", Permission.None, Permission.ViewChannel);
        var hiddenGrain = cluster.Grains(0).GetGrain<IChannelGrain>(hidden.Id);
        await hiddenGrain.ListMessagesAsync(world.PanelId, world.OwnerId, 1, null, null);
        var panelSilo = await cluster.SiloOfAsync(panel);
        await cluster.PlaceOnAsync(hiddenGrain, 1 - panelSilo);
        cluster.Sessions(panelSilo).Connect(world.BotId);
        cluster.Sessions(panelSilo).Connect(world.OwnerId);

        var secret = await hiddenGrain.SendMessageAsync(world.PanelId, world.OwnerId, Draft("secret"), null);
        var marker = await cluster.Grains(0).GetGrain<IChannelGrain>(world.ChannelId).SendMessageAsync(world.PanelId, world.OwnerId, Draft("marker"), null);

        await cluster.Sessions(panelSilo).WaitForAsync(world.OwnerId, events => HasMessage(events, secret.Id), "the owner's copy of the hidden message");
        var botEvents = await cluster.Sessions(panelSilo).WaitForAsync(world.BotId, events => HasMessage(events, marker.Id), "the marker in the public channel");
        Assert.False(HasMessage(botEvents, secret.Id), "a member without view_channel received a hidden channel's message on another silo");
    }

    [Fact]
    public async Task ADomainError_KeepsItsStatus_AcrossSilos()
    {
        var world = await NewPanelAsync();
        var panel = cluster.Grains(0).GetGrain<IPanelGrain>(world.PanelId);
        var otherSilo = 1 - await cluster.SiloOfAsync(panel);
        var stranger = await cluster.Accounts.RegisterAsync(NewName(), "correct horse");

        var error = await Assert.ThrowsAsync<ApiException>(() => cluster.Grains(otherSilo).GetGrain<IPanelGrain>(world.PanelId).GetAsync(stranger.User.Id));

        Assert.Equal((404, "panel not found"), (error.StatusCode, error.Message));
    }

    [Fact]
    public async Task GrainResults_CrossSilosWithTheirCollections()
    {
        var world = await NewPanelAsync();
        var panel = cluster.Grains(0).GetGrain<IPanelGrain>(world.PanelId);
        var otherSilo = 1 - await cluster.SiloOfAsync(panel);

        var dto = await cluster.Grains(otherSilo).GetGrain<IPanelGrain>(world.PanelId).GetAsync(world.OwnerId);
        var members = await cluster.Grains(otherSilo).GetGrain<IPanelGrain>(world.PanelId).ListMembersAsync(world.OwnerId);

        Assert.Equal(new[] { world.OwnerId, world.BotId }.Order(), dto.MemberIds.Order());
        Assert.Contains(world.ChannelId, dto.Categories.SelectMany(c => c.ChannelIds));
        Assert.Equal(2, members.Count);
    }

    [Fact]
    public async Task TheGatewayDirectory_IsRebuiltByReRegistration_AfterItsGrainIsDeactivated()
    {
        var directory = cluster.Grains(0).GetGrain<IGatewayDirectoryGrain>(0);
        Assert.Equal(2, (await directory.ListAsync()).Length);

        await cluster.Cluster.DeactivateAsync(directory);
        Assert.False(cluster.Cluster.TryGetGrainContext(directory.GetGrainId(), out _), "the directory grain (and the list in its memory) must be gone");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var silos = (await directory.ListAsync()).Select(r => r.Silo).ToHashSet();
        while (silos.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            silos = (await directory.ListAsync()).Select(r => r.Silo).ToHashSet();
        }

        Assert.Equal(new[] { cluster.Address(0), cluster.Address(1) }.ToHashSet(), silos);

        // The links between the silos outlived the directory's loss: events still cross, none taken for a repeat.
        await ChannelMessagesCrossInOrderAsync(5);
    }

    private async Task ChannelMessagesCrossInOrderAsync(int count)
    {
        var world = await NewPanelAsync();
        var channel = cluster.Grains(0).GetGrain<IChannelGrain>(world.ChannelId);
        var (channelSilo, panelSilo) = await SplitAsync(world);
        cluster.Sessions(panelSilo).Connect(world.BotId);

        var sent = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var message = await channel.SendMessageAsync(world.PanelId, world.OwnerId, Draft($"m{i}"), null);
            sent.Add(message.Id);
        }

        var received = await cluster.Sessions(panelSilo).WaitForAsync(
            world.BotId, events => events.Count(e => e.Type == EventTypes.PanelMessage) >= sent.Count, $"{count} panel_message events");
        var ids = received.Where(e => e.Type == EventTypes.PanelMessage).Select(e => e.Payload.GetProperty("message").GetProperty("id").GetString()!).ToList();
        Assert.Equal(sent, ids);
        Assert.NotEqual(channelSilo, panelSilo);
    }

    [Fact]
    public async Task AChannelGrainOnASiloWithAnOlderSnapshot_ConfirmsARefusalWithThePanelGrain_InsteadOfAFalse404()
    {
        // A panel change is answered once every silo acknowledged its snapshot, or after the announcement timeout: on a
        // loaded machine a silo can still hold the previous version. Here every silo's cache is put back to it.
        var world = await NewPanelAsync();
        var panel = cluster.Grains(0).GetGrain<IPanelGrain>(world.PanelId);
        var before = (await panel.GetSnapshotAsync(0)).ToSnapshot();
        var channel = await panel.CreateChannelAsync(world.OwnerId, "new", null, null);
        for (var silo = 0; silo < cluster.Cluster.Silos.Count; silo++)
        {
            var cache = cluster.Services(silo).GetRequiredService<PanelSnapshotCache>();
            cache.Remove(world.PanelId);
            cache.Set(before);
        }

        var grain = cluster.Grains(0).GetGrain<IChannelGrain>(channel.Id);
        var sent = await grain.SendMessageAsync(world.PanelId, world.BotId, new MessageDraft("in the new channel", false, false, [], null), null);
        var listed = await grain.ListMessagesAsync(world.PanelId, world.OwnerId, 10, null, null);
        Assert.Equal(sent.Id, Assert.Single(listed).Id);
        // A real refusal stays one: an unknown caller still gets 404.
        var error = await Assert.ThrowsAsync<ApiException>(() => grain.ListMessagesAsync(world.PanelId, "u-stranger", 10, null, null));
        Assert.Equal(404, error.StatusCode);
    }

    private static bool HasMessage(IReadOnlyList<RecordedEvent> events, string messageId) =>
        events.Any(e => e.Type == EventTypes.PanelMessage && e.Payload.GetProperty("message").GetProperty("id").GetString() == messageId);

    private static MessageDraft Draft(string text) => new(text, false, false, [], null);

    private static string NewName() => "u" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Puts the channel grain on the silo that does not host the panel grain; returns (channel silo, panel silo).</summary>
    private async Task<(int ChannelSilo, int PanelSilo)> SplitAsync(PanelWorld world)
    {
        var panelSilo = await cluster.SiloOfAsync(cluster.Grains(0).GetGrain<IPanelGrain>(world.PanelId));
        var channel = cluster.Grains(0).GetGrain<IChannelGrain>(world.ChannelId);
        await channel.ListMessagesAsync(world.PanelId, world.OwnerId, 1, null, null);
        await cluster.PlaceOnAsync(channel, 1 - panelSilo);
        return (1 - panelSilo, panelSilo);
    }

    private async Task<PanelWorld> NewPanelAsync()
    {
        var owner = await cluster.Accounts.RegisterAsync(NewName(), "correct horse");
        var bot = await cluster.Accounts.CreateAppAsync(owner.User.Id, "bot", "", []);
        var panelId = Ids.NewId("panel-");
        var panel = await cluster.Grains(0).GetGrain<IPanelGrain>(panelId).CreateAsync(owner.User.Id, "cross-silo");
        await cluster.Grains(0).GetGrain<IPanelGrain>(panelId).AddBotAsync(owner.User.Id, bot.App.Id);
        return new PanelWorld(panelId, panel.Categories[0].ChannelIds[0], owner.User.Id, bot.App.Id);
    }

    private sealed record PanelWorld(string PanelId, string ChannelId, string OwnerId, string BotId);
}
