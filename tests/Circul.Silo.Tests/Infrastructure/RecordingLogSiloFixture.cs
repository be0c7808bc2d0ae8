using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>A silo logging everything of its own at Debug (ASP.NET Core at Warning) into <see cref="Logs"/>.</summary>
public sealed class RecordingLogSiloFixture : SiloFixture
{
    public RecordingLoggerProvider Logs { get; } = new();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Logging:LogLevel:Default"] = "Debug";
    }

    protected override void ConfigureBuilder(WebApplicationBuilder builder) => builder.Logging.AddProvider(Logs);
}
