using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>One real silo: Kestrel on a loopback port chosen by the OS, configured in memory.</summary>
public sealed class RunningSilo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private RunningSilo(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl.TrimEnd('/');
        BaseUri = new Uri(BaseUrl + "/");
        Http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(60) };
    }

    public string BaseUrl { get; }

    public Uri BaseUri { get; }

    /// <summary>The silo's services, for tests that must trigger server-side housekeeping (idle collection) now.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Shared client without default headers: every request sets its own auth.</summary>
    public HttpClient Http { get; }

    /// <param name="configure">Runs after the settings are added (e.g. to add a logging provider).</param>
    public static async Task<RunningSilo> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var app = SiloApp.Build(Array.Empty<string>(), builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(settings);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new RunningSilo(app, addresses.First());
    }

    /// <summary>Stops the host (graceful shutdown: sockets should close with 4004).</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _app.StopAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            Http.Dispose();
            await _app.DisposeAsync();
        }
    }
}
