"""WeatherBot: answers mentions, welcomes new members, and knows !info and !weather <city>.

    pip install ./clients/python        (or PYTHONPATH=clients/python)
    CIRCUL_SERVER=http://127.0.0.1:5080 BOT_TOKEN=cb_... python3 examples/WeatherBot/python/weather_bot.py

The forecasts are made up (no external weather service), deterministic per city and day.
"""

from __future__ import annotations

import hashlib
import logging
import os

import circul

SKIES = ["☀️ sunny", "⛅ partly cloudy", "☁️ overcast", "🌧️ rain", "⛈️ thunderstorms", "🌨️ snow"]

bot = circul.Bot(os.environ.get("CIRCUL_SERVER", "http://127.0.0.1:5080"), os.environ["BOT_TOKEN"])


def forecast(city: str, day: int) -> str:
    digest = hashlib.sha256(f"{city.lower()}|{day}".encode()).digest()
    return f"{SKIES[digest[0] % len(SKIES)]}, {digest[1] % 35 - 5} °C"


@bot.on_ready
def ready(me: circul.User) -> None:
    print(f"{me.name} is online in {len(bot.get_panels())} panels", flush=True)
    bot.set_status("online", mood="⛅ Ask me: !weather <city>")


@bot.on_panel_message
def on_mention(ctx: circul.Context) -> None:
    if ctx.message.is_system or not ctx.mentioned_me:
        return
    ctx.reply(f"Hi {ctx.sender.name}! Try `!weather <city>` or `!info`.", mention_sender=True)


@bot.on_member_joined
def welcome(ctx: circul.Context) -> None:
    channels = bot.get_channels(ctx.panel_id)
    if not channels:
        return
    general = next((c for c in channels if "general" in c.name), channels[0])
    ctx.send(general.id, f"Welcome <@{ctx.user_id}>! I'm WeatherBot: ask me `!weather <city>`.")


@bot.command("info")
def info(ctx: circul.Context) -> None:
    if ctx.is_panel and ctx.panel:
        ctx.reply(f"{ctx.panel.name} — {ctx.panel.member_count} members")
    else:
        ctx.reply("I work best in panels: add me to one and say !info there.")


@bot.command("weather", aliases=["w"])
def weather(ctx: circul.Context, city: str, days: int = 1) -> None:
    days = max(1, min(days, 5))
    bot.set_status("busy", mood=f"⛅ Fetching the forecast for {city}…")
    try:
        lines = [f"Day {day + 1}: {forecast(city, day)}" for day in range(days)]
        ctx.reply(f"Weather for {city}:\n" + "\n".join(lines))
    finally:
        bot.set_status("online", mood="⛅ Ask me: !weather <city>")


@bot.on_command_error
def command_error(ctx: circul.Context, error: Exception) -> None:
    ctx.reply(f"Sorry: {error}. Usage: !weather <city> [days]")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    bot.run()
