using Circul.Client;
using Microsoft.Extensions.Logging;
using WeatherBot;

// Usage: WeatherBot [server] [token]; or set CIRCUL_SERVER and BOT_TOKEN.
var server = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("CIRCUL_SERVER") ?? "http://127.0.0.1:5080";
var token = args.Length > 1 ? args[1] : Environment.GetEnvironmentVariable("BOT_TOKEN");
if (string.IsNullOrWhiteSpace(token))
{
    Console.Error.WriteLine("usage: WeatherBot [server] [token]   (or set CIRCUL_SERVER and BOT_TOKEN)");
    return 2;
}

using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
await using var bot = new CirculBot(server, token, new CirculBotOptions { LoggerFactory = loggerFactory });
bot.AddWeatherBot();
bot.Ready += (ready, _) =>
{
    foreach (var panel in bot.Panels)
    {
        Console.WriteLine($"{panel.Name}: {string.Join(", ", bot.GetChannels(panel.Id).Select(c => c.Name))}");
    }

    return Task.CompletedTask;
};

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    await bot.RunAsync(stop.Token);
    return 0;
}
catch (CirculGatewayException e)
{
    Console.Error.WriteLine($"stopped: {e.Message}");
    return 1;
}
