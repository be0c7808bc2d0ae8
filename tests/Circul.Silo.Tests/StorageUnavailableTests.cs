using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Circul.Silo.Tests;

/// <summary>
/// PostgreSQL down at start-up: the silo stays up (<c>/healthz</c> 200, <c>/readyz</c> 503), answers the API with 503
/// at once, logs one Warning line per attempt naming the configuration key and host:port (never the password), and
/// becomes ready by itself once the database can be reached.
/// </summary>
public sealed class StorageUnavailableTests
{
    private const string Secret = "pw-must-not-be-logged-7f3a";

    [Fact]
    public async Task Silo_WithPostgresUnreachable_StaysUp_Healthz200_Readyz503_AndTheApiAnswers503AtOnce()
    {
        var logs = new RecordingLoggerProvider();
        var settings = Settings($"Host=127.0.0.1;Port=1;Username=circul;Password={Secret};Database=circul");

        await using var silo = await RunningSilo.StartAsync(settings, b => b.Logging.AddProvider(logs));
        var client = new BotClient(silo, null, null);

        (await client.GetAsync("/healthz")).Expect(HttpStatusCode.OK);
        (await client.GetAsync("/readyz")).Expect(HttpStatusCode.ServiceUnavailable);
        var clock = Stopwatch.StartNew();
        var register = await client.PostAsync("/api/auth/register", new { username = SiloFixture.RandomName("h"), password = SiloFixture.Password });
        var me = await new BotClient(silo, "cu_whatever", "Bearer").GetAsync("/api/me");
        clock.Stop();

        Assert.Contains("storage", register.ExpectError(HttpStatusCode.ServiceUnavailable), StringComparison.Ordinal);
        me.ExpectError(HttpStatusCode.ServiceUnavailable);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"503 answers should be immediate, took {clock.Elapsed}");

        var entries = logs.Entries;
        var attempts = entries.Where(e => e.Message.Contains("Circul:Storage:ConnectionString", StringComparison.Ordinal)).ToList();
        Assert.True(attempts.Count >= 1, $"expected a line per failed attempt naming Circul:Storage:ConnectionString; got:\n{RecordingLoggerProvider.Describe(entries)}");
        Assert.All(attempts, e =>
        {
            Assert.Equal(LogLevel.Warning, e.Level);
            Assert.Contains("127.0.0.1:1", e.Message, StringComparison.Ordinal);
            Assert.Null(e.Exception);
            Assert.DoesNotContain('\n', e.Message);
        });
        AssertNoSecretAndNoError(entries);
    }

    [Fact]
    public async Task Silo_WhenPostgresBecomesReachable_MigratesAndBecomesReadyWithoutARestart()
    {
        var logs = new RecordingLoggerProvider();
        await using var storage = await new PostgresStorageProvisioner().CreateAsync();
        var real = new NpgsqlConnectionStringBuilder(storage.Settings["Circul:Storage:ConnectionString"]);
        var port = TcpForwarder.FreePort();
        // The test server trusts loopback connections, so the password is never asked for: it is there to be not logged.
        var configured = new NpgsqlConnectionStringBuilder(real.ConnectionString) { Host = "127.0.0.1", Port = port, Password = Secret };

        await using var silo = await RunningSilo.StartAsync(Settings(configured.ConnectionString), b => b.Logging.AddProvider(logs));
        var client = new BotClient(silo, null, null);
        (await client.GetAsync("/readyz")).Expect(HttpStatusCode.ServiceUnavailable);
        (await client.PostAsync("/api/auth/register", new { username = SiloFixture.RandomName("h"), password = SiloFixture.Password }))
            .ExpectError(HttpStatusCode.ServiceUnavailable);

        await using (new TcpForwarder(port, real.Host!, real.Port))
        {
            await WaitUntilReadyAsync(client, TimeSpan.FromSeconds(45), logs);

            var registered = await client.PostAsync("/api/auth/register", new { username = SiloFixture.RandomName("h"), password = SiloFixture.Password });
            registered.Expect(HttpStatusCode.Created);
            await silo.StopAsync();
        }

        var entries = logs.Entries;
        Assert.Contains(entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"127.0.0.1:{port}", StringComparison.Ordinal)
            && e.Message.Contains("Circul:Storage:ConnectionString", StringComparison.Ordinal));
        AssertNoSecretAndNoError(entries);
    }

    private static Dictionary<string, string?> Settings(string connectionString)
    {
        var settings = SiloFixture.BaseSettings();
        settings["Logging:LogLevel:Default"] = "Debug";
        settings["Circul:Storage:Provider"] = "postgres";
        settings["Circul:Storage:ConnectionString"] = connectionString;
        return settings;
    }

    /// <summary>Polls /readyz (the silo retries on its own 1 s, 2 s, 4 s… backoff, so there is no event to await).</summary>
    private static async Task WaitUntilReadyAsync(BotClient client, TimeSpan timeout, RecordingLoggerProvider logs)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var ready = await client.GetAsync("/readyz");
            if (ready.Status == HttpStatusCode.OK)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"/readyz still {(int)ready.Status} after {timeout} with the database reachable; log:\n{RecordingLoggerProvider.Describe(logs.Entries)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static void AssertNoSecretAndNoError(IReadOnlyList<RecordedLogEntry> entries)
    {
        var leaking = entries.Where(e => e.Message.Contains(Secret, StringComparison.Ordinal)
            || (e.Exception?.ToString().Contains(Secret, StringComparison.Ordinal) ?? false)).ToList();
        Assert.True(leaking.Count == 0, $"the password must never be logged:\n{RecordingLoggerProvider.Describe(leaking)}");
        var errors = entries.Where(e => e.Level >= LogLevel.Error).ToList();
        Assert.True(errors.Count == 0, $"an unreachable database is a Warning, not an Error:\n{RecordingLoggerProvider.Describe(errors)}");
    }
}
