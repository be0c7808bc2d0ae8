namespace Circul.Silo.Tests;

/// <summary>API.md section 8: stopping the silo closes sockets with 4004 so clients reconnect and resume.</summary>
public sealed class GatewayShutdownTests
{
    [Fact]
    public async Task StoppingTheSilo_ClosesEverySocketWith4004()
    {
        await using var storage = await new SqliteStorageProvisioner().CreateAsync();
        await using var silo = await RunningSilo.StartAsync(SiloFixture.Merge(SiloFixture.BaseSettings(), storage.Settings));
        var anonymous = new BotClient(silo, null, null);
        var register = await anonymous.PostAsync("/api/auth/register", new { username = SiloFixture.RandomName("h"), password = SiloFixture.Password });
        var human = new BotClient(silo, register.Expect(HttpStatusCode.Created).Json.Str("token"), "Bearer");
        human.SetUser(register.Json.Prop("user"));
        await using var first = await human.ConnectReadyAsync();
        await using var second = await human.ConnectReadyAsync();

        var stopping = silo.StopAsync();

        await first.ExpectCloseAsync(4004, TimeSpan.FromSeconds(15));
        await second.ExpectCloseAsync(4004, TimeSpan.FromSeconds(15));
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
    }
}
