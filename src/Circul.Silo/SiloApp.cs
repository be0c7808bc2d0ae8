using Circul.Contracts;
using Circul.Grains;
using Circul.Silo.Api;
using Circul.Silo.Cluster;
using Circul.Silo.Gateway;
using Circul.Silo.Infrastructure;
using Circul.Silo.Observability;
using Circul.Silo.RateLimiting;
using Circul.Silo.Web;
using Circul.Storage;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Circul.Silo;

/// <summary>Builds the silo's web application; Program.cs runs it and tests start it on port 0 with their own configuration.</summary>
public static class SiloApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings.json lives next to the binary: anchor the content root there, so that a silo started from any
        // working directory reads it (the SQLite file stays relative to the working directory).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        configure?.Invoke(builder);
        ConfigureServices(builder);

        var app = builder.Build();

        // Listen to Orleans' instruments from the start, not from the first scrape.
        app.Services.GetRequiredService<OrleansMetrics>();
        // The client address (login throttle, anonymous rate limits) from X-Forwarded-For, trusted only from a proxy
        // on loopback (the framework's default known proxies), as deploy/README.md places nginx.
        // X-Forwarded-Proto likewise (a TLS-terminating proxy on loopback): the web pages' cookies are Secure over HTTPS.
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
        app.UseSecurityHeaders();
        app.UseApiStatusBodies();
        app.UseRouting();
        RequestMetrics.UseRequestMetrics(app);
        app.UseApiErrors();
        app.UseStorageGate();
        app.MapOpsEndpoints();
        app.MapGateway();
        app.MapCirculApi();
        app.MapWebPages();
        return app;
    }

    private static void ConfigureServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;

        // Storage first: its hosted service migrates the schema before anything else starts (or, with the database
        // down, keeps retrying in the background while the silo answers 503; see StorageGate). Orleans next: the hosted
        // services registered after it (the gateway directory) start once the silo runs.
        services.AddCirculStorage();
        services.AddCirculGrains();
        builder.AddCirculOrleans();
        services.AddGateway();
        services.AddHostedService(sp => sp.GetRequiredService<SiloRegistration>());
        services.AddSingleton<SiloRegistration>();

        services.AddOptions<LimitsOptions>().BindConfiguration("Circul:Limits").ValidateOnStart();
        services.AddOptions<RateLimitOptions>().BindConfiguration("Circul:RateLimits").ValidateOnStart();
        services.AddSingleton<RateLimiter>();
        services.AddOptions<LoginThrottleOptions>().BindConfiguration(LoginThrottleOptions.SectionName)
            .Validate(o => o.FailuresPerUsername >= 1 && o.FailuresPerAddress >= 1, "Circul:LoginThrottle: FailuresPerUsername and FailuresPerAddress must be at least 1.")
            .Validate(o => o.FirstLockMs >= 1 && o.MaxLockSeconds * 1000L >= o.FirstLockMs, "Circul:LoginThrottle: FirstLockMs must be at least 1 and at most MaxLockSeconds.")
            .Validate(o => o.WindowSeconds >= o.MaxLockSeconds && o.WindowSeconds >= 1, "Circul:LoginThrottle: WindowSeconds must be at least 1 and at least MaxLockSeconds.")
            .Validate(o => o.MaxEntries >= 100, "Circul:LoginThrottle: MaxEntries must be at least 100.")
            .ValidateOnStart();

        // A test may register its own (with a manual clock) before this runs.
        services.TryAddSingleton<LoginThrottle>();
        services.AddSingleton<MediaService>();
        services.AddOptions<WebOptions>().BindConfiguration(WebOptions.SectionName)
            .Validate(o => o.SessionLifetimeHours >= 1, "Circul:Web:SessionLifetimeHours must be at least 1.")
            .ValidateOnStart();

        // A test may register its own (with a manual clock) before this runs.
        services.TryAddSingleton(sp => new WebClock(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<WebSessions>();

        services.AddOptions<Webhooks.WebhookOptions>().BindConfiguration(Webhooks.WebhookOptions.SectionName)
            .Validate(o => o.TimeoutMs >= 1 && o.MaxAttempts >= 1 && o.RetryBaseDelayMs >= 0, "Circul:Webhooks: TimeoutMs and MaxAttempts must be at least 1, RetryBaseDelayMs not negative.")
            .Validate(o => o.MaxConcurrency >= 1 && o.MaxResponseBytes >= 1 && o.PollIntervalMs >= 1 && o.LeaseMarginMs >= 0, "Circul:Webhooks: MaxConcurrency, MaxResponseBytes and PollIntervalMs must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<Webhooks.WebhookMetrics>();
        services.AddSingleton<Webhooks.WebhookDeliveryService>();
        services.AddHostedService(sp => sp.GetRequiredService<Webhooks.WebhookDeliveryService>());
        services.AddSingleton<RequestMetrics>();
        services.AddSingleton<OrleansMetrics>();
        services.ConfigureHttpJsonOptions(options => CirculJson.Apply(options.SerializerOptions));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var uploadLimit = builder.Configuration.GetValue<long?>("Circul:Limits:MaxUploadBodyBytes") ?? new LimitsOptions().MaxUploadBodyBytes;
            kestrel.Limits.MaxRequestBodySize = uploadLimit + 1;
            kestrel.AddServerHeader = false;
        });
    }
}
