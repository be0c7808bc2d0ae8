using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Circul.Web.Tests.Infrastructure;

/// <summary>A bot's OAuth callback: a real HTTP server on a loopback port that records every request it gets (except
/// the browser's own favicon fetch).</summary>
public sealed class RedirectReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Uri> _requests = new();
    private TaskCompletionSource<Uri> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RedirectReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The callback URI a test registers: <c>http://127.0.0.1:port/cb</c>.</summary>
    public string CallbackUri => BaseUrl + "/cb";

    public IReadOnlyCollection<Uri> Requests => _requests;

    public static async Task<RedirectReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new RedirectReceiver(app);
        app.Run(async context =>
        {
            // The browser asks every new origin for its icon on its own: not a request the silo sent it to.
            if (context.Request.Path == "/favicon.ico")
            {
                context.Response.StatusCode = 404;
                return;
            }

            var uri = new Uri($"http://{context.Request.Host}{context.Request.Path}{context.Request.QueryString}");
            receiver._requests.Enqueue(uri);
            Interlocked.Exchange(ref receiver._next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(uri);
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync("<!doctype html><title>callback</title><h1>callback received</h1>");
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return receiver;
    }

    /// <summary>The first request recorded (waits for it).</summary>
    public async Task<Uri> FirstRequestAsync(TimeSpan? timeout = null)
    {
        var next = Volatile.Read(ref _next).Task;
        if (_requests.TryPeek(out var first))
        {
            return first;
        }

        return await next.WaitAsync(timeout ?? TimeSpan.FromSeconds(15));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
