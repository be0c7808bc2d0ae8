using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Circul.Silo.Tests.Webhooks;

/// <summary>A real HTTP receiver: Kestrel on a loopback port chosen by the OS. Records every request and answers with
/// <see cref="Respond"/> (default: 200 with an empty body).</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();
    private int _count;

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>Answers a request; the default answers 200 with no body.</summary>
    public Func<ReceivedWebhook, HttpContext, Task> Respond { get; set; } = static (_, _) => Task.CompletedTask;

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    /// <summary>Requests received so far.</summary>
    public int Count => Volatile.Read(ref _count);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Port = new Uri(address).Port;
        return receiver;
    }

    /// <summary>The next request, or a failure naming <paramref name="what"/> after the timeout.</summary>
    public async Task<ReceivedWebhook> NextAsync(string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            return await _received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"expected {what}; the receiver got {Count} request(s) in all");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var received = new ReceivedWebhook(Interlocked.Increment(ref _count), context.Request.Path, body.ToArray(), headers, DateTimeOffset.UtcNow);
        _received.Writer.TryWrite(received); // on arrival: a test can see a request its answer is still holding
        await Respond(received, context);
    }
}
