using Circul.Client;

namespace WeatherBot;

/// <summary>The WeatherBot's behaviour, kept apart from <c>Program</c> so the tests run exactly these handlers.</summary>
public static class WeatherBotHandlers
{
    private static readonly string[] Conditions = ["sunny", "cloudy", "light rain", "windy", "foggy", "snow showers"];

    /// <summary>Answers mentions with a (made-up, deterministic) forecast, welcomes new members in <c>general</c> and
    /// answers <c>!info</c> with the panel's name and member count.</summary>
    public static CirculBot AddWeatherBot(this CirculBot bot)
    {
        bot.Mentioned += async (ctx, ct) =>
        {
            if (ctx.Message.IsSystem)
            {
                return;
            }

            await ctx.ReplyAsync(Forecast(PlaceIn(ctx.Text)), mentionSender: true, ct);
        };

        bot.MemberJoined += async (ctx, ct) =>
        {
            if (ctx.IsMe)
            {
                return;
            }

            var channel = ctx.Bot.FindChannel(ctx.PanelId, "general") ?? ctx.DefaultChannel;
            if (channel is not null)
            {
                await ctx.SendAsync(channel.Id, $"Welcome <@{ctx.UserId}>!", new SendMessageOptions { Mentions = [ctx.UserId] }, ct);
            }
        };

        bot.Command("info", async (ctx, ct) =>
        {
            var text = ctx.Panel is { } panel ? $"{panel.Name} — {panel.MemberCount} members" : "!info works in panels";
            await ctx.ReplyAsync(text, cancellationToken: ct);
        }, "the panel's name and member count");

        return bot;
    }

    /// <summary>The same words always give the same weather.</summary>
    public static string Forecast(string place)
    {
        var hash = 17;
        foreach (var c in place.ToLowerInvariant())
        {
            hash = unchecked((hash * 31) + c);
        }

        hash &= int.MaxValue;
        return $"Weather in {place}: {Conditions[hash % Conditions.Length]}, {(hash / 7 % 30) - 5}°C";
    }

    /// <summary>The text without mentions (<c>&lt;@id&gt;</c>), or "your area".</summary>
    public static string PlaceIn(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !(w.StartsWith("<@", StringComparison.Ordinal) && w.EndsWith('>')));
        var place = string.Join(' ', words).Trim().TrimEnd('?', '!', '.');
        return place.Length == 0 ? "your area" : place;
    }
}
