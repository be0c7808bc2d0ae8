using System.Collections.Concurrent;
using Circul.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Circul.Client.Tests;

/// <summary>502/503/504 and the calls that may be repeated (reads, deletes, message sends with their
/// <c>Idempotency-Key</c>), against a scripted server whose failures clear after a set number of answers.</summary>
public sealed class TransientRetryTests
{
    private const string Me = """{"id":"bot-1","name":"Weather","is_bot":true,"owner_id":"u-1","status":"online","mood":"","bio":"","avatar_url":"","banner_url":""}""";

    private const string Sent = """
        {"id":"msg-1","conv_id":"c-1","panel_id":null,"channel_id":null,"sender_id":"bot-1",
         "sender":{"id":"bot-1","name":"Weather","is_bot":true,"avatar_url":""},"text":"hi","bold":false,"italic":false,
         "mentions":[],"reply_to_id":null,"reactions":[],"is_system":false,"created_at":"2026-11-21T10:00:00.123Z",
         "edited_at":null,"visible_to":null}
        """;

    private static readonly CirculRestOptions FastRetries = new() { TransientRetryDelay = TimeSpan.FromMilliseconds(10), MaxTransientRetries = 2 };

    [Fact]
    public async Task ARead_IsRetriedAfter503And502_UntilItSucceeds()
    {
        var hits = 0;
        await using var server = await ScriptedServer.StartAsync(app => app.MapGet("/api/me", () =>
            Interlocked.Increment(ref hits) switch
            {
                1 => Error(StatusCodes.Status503ServiceUnavailable, "storage unavailable"),
                2 => Error(StatusCodes.Status502BadGateway, "bad gateway"),
                _ => Results.Text(Me, "application/json"),
            }));
        using var rest = new CirculRestClient(new Uri(server.BaseUrl), "cb_token", FastRetries);

        var me = await rest.GetMeAsync();

        Assert.Equal("bot-1", me.Id);
        Assert.Equal(3, hits);
    }

    [Fact]
    public async Task AMessageSend_IsRetriedWithTheSameIdempotencyKey()
    {
        var keys = new ConcurrentQueue<string>();
        await using var server = await ScriptedServer.StartAsync(app => app.MapPost("/api/conversations/c-1/messages", (HttpRequest request) =>
        {
            keys.Enqueue(request.Headers["Idempotency-Key"].ToString());
            return keys.Count == 1 ? Error(StatusCodes.Status504GatewayTimeout, "timeout") : Results.Text(Sent, "application/json", statusCode: 201);
        }));
        using var rest = new CirculRestClient(new Uri(server.BaseUrl), "cb_token", FastRetries);

        var message = await rest.SendMessageAsync("c-1", "hi");

        Assert.Equal("msg-1", message.Id);
        Assert.Equal(2, keys.Count);
        Assert.Single(keys.Distinct());
        Assert.False(string.IsNullOrEmpty(keys.First()));
    }

    [Fact]
    public async Task AWriteThatMayNotBeRepeated_IsNotRetried_AndAFailureThatOutlastsTheRetriesSurfaces()
    {
        var reactions = 0;
        var reads = 0;
        await using var server = await ScriptedServer.StartAsync(app =>
        {
            app.MapPost("/api/messages/msg-1/reactions", () =>
            {
                Interlocked.Increment(ref reactions);
                return Error(StatusCodes.Status503ServiceUnavailable, "storage unavailable");
            });
            app.MapGet("/api/panels", () =>
            {
                Interlocked.Increment(ref reads);
                return Error(StatusCodes.Status503ServiceUnavailable, "storage unavailable");
            });
        });
        using var rest = new CirculRestClient(new Uri(server.BaseUrl), "cb_token", FastRetries);

        var write = await Assert.ThrowsAsync<CirculApiException>(() => rest.AddReactionAsync("msg-1", "👍"));
        var read = await Assert.ThrowsAsync<CirculApiException>(() => rest.GetPanelsAsync());

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "storage unavailable"), (write.StatusCode, write.Error));
        Assert.Equal(1, reactions);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "storage unavailable"), (read.StatusCode, read.Error));
        Assert.Equal(1 + FastRetries.MaxTransientRetries, reads);
    }

    private static IResult Error(int status, string error) => Results.Json(new { error }, statusCode: status);
}
