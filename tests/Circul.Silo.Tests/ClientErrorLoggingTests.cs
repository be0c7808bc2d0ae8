using Microsoft.Extensions.Logging;

namespace Circul.Silo.Tests;

/// <summary>
/// A 4xx is the client's mistake, not the server's: it logs at most one line, below Warning, without a stack trace.
/// Only a 5xx is an Error with its exception.
/// </summary>
public sealed class ClientErrorLoggingTests(RecordingLogSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<RecordingLogSiloFixture>
{
    private RecordingLoggerProvider Logs => fixture.Logs;

    [Fact]
    public async Task ClientErrors_From404And400_LogNothingAtWarningOrAboveAndNoException()
    {
        var world = await NewBotsInDmAsync();
        var elsewhere = await SendAsync(world.A, world.DmId, "in the DM");
        var since = DateTimeOffset.UtcNow;

        var responses = new[]
        {
            (await world.A.GetAsync("/api/conversations/c-doesnotexist"), HttpStatusCode.NotFound),
            (await world.A.PostAsync("/api/conversations/c-doesnotexist/messages", new { text = "anyone?" }), HttpStatusCode.NotFound),
            (await world.A.GetAsync("/api/users/u-doesnotexist"), HttpStatusCode.NotFound),
            (await world.A.SendRawAsync(HttpMethod.Post, $"/api/conversations/{world.DmId}/messages", "{\"text\": "), HttpStatusCode.BadRequest),
            (await world.A.PostAsync($"/api/conversations/{world.GroupId}/messages", new { text = "re", reply_to_id = elsewhere.Str("id") }), HttpStatusCode.BadRequest),
        };

        foreach (var (response, status) in responses)
        {
            response.ExpectError(status);
        }

        AssertQuiet(Logs.Since(since), responses.Select(r => r.Item1));
    }

    [Fact]
    public async Task ClientErrors_401_403_409AndPanel404s_LogNothingAtWarningOrAboveAndNoException()
    {
        var human = await NewHumanAsync();
        var bot = await NewBotAsync(human);
        var since = DateTimeOffset.UtcNow;

        var responses = new[]
        {
            (await Fixture.WithToken("cu_not-a-real-token", "Bearer").GetAsync("/api/me"), HttpStatusCode.Unauthorized),
            (await bot.PostAsync("/api/panels", new { name = "bots cannot" }), HttpStatusCode.Forbidden),
            (await Fixture.Anonymous().PostAsync("/api/auth/register", new { username = human.Name, password = SiloFixture.Password }), HttpStatusCode.Conflict),
            (await human.GetAsync("/api/panels/panel-doesnotexist"), HttpStatusCode.NotFound),
            (await human.GetAsync("/api/panels/panel-doesnotexist/channels"), HttpStatusCode.NotFound),
        };

        foreach (var (response, status) in responses)
        {
            response.ExpectError(status);
        }

        AssertQuiet(Logs.Since(since), responses.Select(r => r.Item1));
    }

    /// <remarks>Each request of a test has its own path, so that its lines can be counted.</remarks>
    private static void AssertQuiet(IReadOnlyList<RecordedLogEntry> entries, IEnumerable<ApiResponse> responses)
    {
        var loud = entries.Where(e => e.Level >= LogLevel.Warning || e.Exception is not null).ToList();
        Assert.True(loud.Count == 0, $"client errors must not log at Warning or above, nor with an exception; got:\n{RecordingLoggerProvider.Describe(loud)}");
        foreach (var response in responses)
        {
            var lines = entries.Where(e => e.Message.Contains(response.Path + " ", StringComparison.Ordinal) || e.Message.EndsWith(response.Path, StringComparison.Ordinal)).ToList();
            Assert.True(lines.Count <= 1, $"{response.Describe()} logged {lines.Count} lines (at most one expected):\n{RecordingLoggerProvider.Describe(lines)}");
        }
    }
}
