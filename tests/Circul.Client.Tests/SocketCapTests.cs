using Circul.Client.Tests.Infrastructure;

namespace Circul.Client.Tests;

/// <summary>A 429 at the gateway upgrade (the token has as many sockets as the server allows) is waited out for at
/// least its <c>Retry-After</c>, and the bot connects once a socket frees.</summary>
public sealed class SocketCapTests(SocketCapSiloFixture fixture) : IClassFixture<SocketCapSiloFixture>
{
    [Fact]
    public async Task AHandshake429_IsWaitedOutForItsRetryAfter_AndTheBotConnectsWhenASocketFrees()
    {
        await using var world = await BotWorld.CreateAsync(fixture);
        var sockets = new List<RawGateway>();
        for (var i = 0; i < SocketCapSiloFixture.MaxSocketsPerToken; i++)
        {
            sockets.Add(await world.BotAccount.ConnectReadyAsync());
        }

        var disconnected = new EventRecorder<DisconnectedEventArgs>(d => $"{d.CloseCode} {d.Reason} {d.ReconnectDelay}");
        world.Bot.Disconnected += disconnected.Handler;
        try
        {
            var starting = world.Bot.StartAsync();
            var refused = await disconnected.WaitForAsync(_ => true, "the refused handshake");
            Assert.Equal(HttpStatusCode.TooManyRequests, Assert.IsType<HandshakeRefusedException>(refused.Exception).Status);
            Assert.True(refused.WillReconnect);
            Assert.True(refused.ReconnectDelay >= TimeSpan.FromSeconds(1), $"Retry-After is 1 s; the bot waits {refused.ReconnectDelay}");
            Assert.False(starting.IsCompleted);

            await sockets[0].DisposeAsync();
            sockets.RemoveAt(0);
            await starting.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.NotNull(world.Bot.SessionId);
            Assert.True(world.Bot.GatewayConnectAttempts >= 2);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }
}
