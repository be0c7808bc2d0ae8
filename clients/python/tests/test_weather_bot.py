"""examples/WeatherBot/python run as a subprocess: mention, welcome, !info, !weather."""

from __future__ import annotations

import asyncio

from conftest import REPO_ROOT, BotProcess, Human, HumanSocket, World, bot_env, bot_message

WEATHER_BOT = REPO_ROOT / "examples" / "WeatherBot" / "python" / "weather_bot.py"


def test_weather_bot_answers_a_mention_welcomes_a_member_and_replies_to_info_and_weather(world: World) -> None:
    asyncio.run(_scenario(world))


async def _scenario(world: World) -> None:
    owner, pid, general, bot_id = world.owner, world.panel_id, world.general_id, world.bot_id
    async with BotProcess(WEATHER_BOT, bot_env(world.silo.url, world.token)) as bot, \
            HumanSocket(world.silo.url, owner.token) as socket:
        await bot.expect_line(lambda line: "is online in 1 panels" in line)

        mark = socket.mark()
        hello = owner.post(pid, general, f"<@{bot_id}> hello", mentions=[bot_id])
        reply = await socket.expect(bot_message(bot_id, reply_to=hello["id"]), what="the mention reply", start=mark)
        assert reply["payload"]["message"]["text"] == f"Hi {owner.name}! Try `!weather <city>` or `!info`."
        assert owner.id in reply["payload"]["message"]["mentions"]

        newcomer = Human(world.silo.url)
        mark = socket.mark()
        owner.invite_and_join(pid, newcomer)
        welcome = await socket.expect(bot_message(bot_id), what="the welcome", start=mark)
        assert welcome["payload"]["message"]["text"].startswith(f"Welcome <@{newcomer.id}>!")

        mark = socket.mark()
        info = owner.post(pid, general, "!info")
        answer = await socket.expect(bot_message(bot_id, reply_to=info["id"]), what="the !info answer", start=mark)
        assert answer["payload"]["message"]["text"] == f"{world.panel_name} — 3 members"

        mark = socket.mark()
        ask = owner.post(pid, general, '!weather "New York" 2')
        forecast = await socket.expect(bot_message(bot_id, reply_to=ask["id"]), what="the forecast", start=mark)
        text = forecast["payload"]["message"]["text"]
        assert text.startswith("Weather for New York:\nDay 1: ") and "\nDay 2: " in text
        busy = await socket.expect(lambda f: f["type"] == "status_change" and f["payload"]["user_id"] == bot_id
                                   and f["payload"]["status"] == "busy", what="the busy status", start=mark)
        assert busy["payload"]["status"] == "busy"

        mark = socket.mark()
        bad = owner.post(pid, general, "!weather")
        usage = await socket.expect(bot_message(bot_id, reply_to=bad["id"]), what="the usage answer", start=mark)
        assert usage["payload"]["message"]["text"] == "Sorry: missing argument: city. Usage: !weather <city> [days]"
