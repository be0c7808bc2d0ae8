using Circul.Silo.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>The default login throttle, on a clock of its own that moves only when a test says so (the rest of the
/// silo keeps the real clock).</summary>
public sealed class LoginThrottleSiloFixture : SiloFixture
{
    public ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

    public LoginThrottle Throttle => Silo.Services.GetRequiredService<LoginThrottle>();

    protected override void ConfigureBuilder(WebApplicationBuilder builder) =>
        builder.Services.AddSingleton(sp => new LoginThrottle(
            sp.GetRequiredService<IOptions<LoginThrottleOptions>>(), Clock, sp.GetRequiredService<ILogger<LoginThrottle>>()));
}
