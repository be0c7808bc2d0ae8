"""The seed's "Python Example", run unchanged as a subprocess against a real silo, with humans driving it."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

from conftest import PYTHON_ROOT, BotProcess, Human, HumanSocket, Silo, bot_message

SEED_EXAMPLE = PYTHON_ROOT / "examples" / "seed_example.py"
SEED_TEXT = Path(__file__).resolve().parents[4] / "shared" / "seeds" / "002_5926b7356caa7189.txt"


def test_seed_example_file_is_the_seed_text_with_indentation_restored() -> None:
    if not SEED_TEXT.exists():
        import pytest
        pytest.skip("the product seed is not on this machine")
    seed = SEED_TEXT.read_text(encoding="utf-8")
    start = seed.index("Python Example\n") + len("Python Example\n")
    end = seed.index("Best Practices")
    seed_lines = [line.strip() for line in seed[start:end].strip().splitlines()]
    example_lines = [line.strip() for line in SEED_EXAMPLE.read_text(encoding="utf-8").strip().splitlines()]
    assert example_lines == seed_lines


def test_seed_example_answers_mentions_welcomes_members_and_info_also_after_a_silo_restart(own_silo: Silo) -> None:
    asyncio.run(_seed_example_scenario(own_silo))


async def _seed_example_scenario(silo: Silo) -> None:
    alice = Human(silo.url)
    bot_id, token = alice.create_bot("WeatherBot")
    panel_name = f"Seed Panel {uuid.uuid4().hex[:4]}"
    panel = alice.create_panel(panel_name)
    panel_id = panel["id"]
    alice.call("POST", f"/api/panels/{panel_id}/channels", {"name": "random"}, expect=201)
    general = alice.general(panel_id)
    alice.add_bot(panel_id, bot_id)

    env = dict(os.environ, CIRCUL_SERVER=silo.url, BOT_TOKEN=token, PYTHONUNBUFFERED="1",
               PYTHONPATH=str(PYTHON_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    async with BotProcess(SEED_EXAMPLE, env) as bot, HumanSocket(silo.url, alice.token) as socket:
        # on_ready printed the cached panels and channels
        line = await bot.expect_line(lambda l: l.startswith(panel_name))
        assert line == f"{panel_name} ['general', 'random']"

        # a mention gets a reply that mentions the sender
        mark = socket.mark()
        hello = alice.post(panel_id, general, f"hey <@{bot_id}>, are you there?", mentions=[bot_id])
        reply = (await socket.expect(bot_message(bot_id, reply_to=hello["id"]), what="the bot's reply",
                                     start=mark))["payload"]["message"]
        assert reply["text"] == "You mentioned me!"
        assert alice.id in reply["mentions"]
        assert reply["channel_id"] == general
        await socket.expect(lambda f: f["type"] == "mention" and f["payload"]["message"]["id"] == reply["id"],
                            what="alice's mention event for the reply", start=mark)

        # a joining member is welcomed in general
        bob = Human(silo.url)
        mark = socket.mark()
        alice.invite_and_join(panel_id, bob)
        welcome = (await socket.expect(bot_message(bot_id, text=f"Welcome <@{bob.id}>!"), what="the welcome",
                                       start=mark))["payload"]["message"]
        assert welcome["channel_id"] == general and bob.id in welcome["mentions"]

        # !info counts the members from the cache, which followed the join: alice, the bot and bob
        mark = socket.mark()
        info = alice.post(panel_id, general, "!info")
        answer = await socket.expect(bot_message(bot_id, reply_to=info["id"]), what="the !info answer", start=mark)
        assert answer["payload"]["message"]["text"] == f"{panel_name} — 3 members"

        # the silo restarts (4004, then invalid_session on reconnect): the bot comes back and answers once
        await socket.__aexit__(None, None, None)
        silo.restart()
        async with HumanSocket(silo.url, alice.token) as socket2:
            mark = socket2.mark()
            info2 = alice.post(panel_id, general, "!info")
            answer2 = await socket2.expect(bot_message(bot_id, reply_to=info2["id"]),
                                           what="the !info answer after the restart", start=mark, timeout=60)
            assert answer2["payload"]["message"]["text"] == f"{panel_name} — 3 members"
            mark = socket2.mark()
            # a last command proves the queue is drained: every earlier trigger has been answered by now
            done = alice.post(panel_id, general, f"last one <@{bot_id}>", mentions=[bot_id])
            await socket2.expect(bot_message(bot_id, reply_to=done["id"]), what="the last reply", start=mark)

    # every trigger was answered exactly once (no handler fired twice, before or after the restart)
    by_bot = [m for m in alice.messages(panel_id, general) if m["sender_id"] == bot_id]
    replies_to = sorted(m.get("reply_to_id") or m["text"] for m in by_bot)
    expected = sorted([hello["id"], f"Welcome <@{bob.id}>!", info["id"], info2["id"], done["id"]])
    assert replies_to == expected, [m["text"] for m in by_bot]
