using Circul.Silo.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Circul.Web.Tests.Infrastructure;

/// <summary>The silo suite's SQLite silo, with the web pages' clock (sessions, OAuth state expiry) under the test's
/// control: it stands still unless a test advances it, so an expiry needs no sleep.</summary>
public sealed class WebSiloFixture : SiloFixture
{
    public ManualTimeProvider WebTime { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureBuilder(WebApplicationBuilder builder) =>
        builder.Services.AddSingleton(new WebClock(WebTime));
}
