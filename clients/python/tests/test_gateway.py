"""The gateway done right, against a real silo: resume after a cut connection, a new session and catch-up after a
silo restart (4004), 4001 stops, 429 handshakes are waited out, heartbeats answered."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

import circul
from conftest import CuttableProxy, Human, Running, Silo, World, make_world, run, wait_for, wait_for_server_clock


def test_cut_connection_resumes_with_session_and_seq_and_replays_missed_events_once(world: World) -> None:
    async def scenario() -> None:
        proxy = await CuttableProxy(world.silo.port).start()
        bot = circul.Bot(proxy.url, world.token)
        texts: list[str] = []
        resumed: list[str] = []
        caught_up: list[circul.CatchUp] = []
        disconnects: list[int] = []
        bot.on_panel_message(lambda ctx: texts.append(ctx.text))

        @bot.on_resumed
        async def on_resumed() -> None:
            resumed.append(bot.session_id or "")

        bot.on_catch_up(caught_up.append)
        bot.on_disconnect(lambda code, reason: disconnects.append(code))
        async with Running(bot):
            session = bot.session_id
            waiting = asyncio.ensure_future(wait_for(bot, "panel_message", lambda c: c.text == "A"))
            world.owner.post(world.panel_id, world.general_id, "A")
            await waiting
            seq_before = bot.gateway.last_seq

            proxy.refusing = True
            proxy.cut()
            await wait_for(bot, "disconnect")
            world.owner.post(world.panel_id, world.general_id, "B")
            world.owner.post(world.panel_id, world.general_id, "C")
            got_c = asyncio.ensure_future(wait_for(bot, "panel_message", lambda c: c.text == "C", timeout=40))
            got_resumed = asyncio.ensure_future(wait_for(bot, "resumed", timeout=40))
            proxy.refusing = False
            await got_c
            await got_resumed
            assert bot.session_id == session, "the session was resumed, not replaced"
            assert bot.gateway.last_seq is not None and seq_before is not None and bot.gateway.last_seq > seq_before

            waiting = asyncio.ensure_future(wait_for(bot, "panel_message", lambda c: c.text == "D"))
            world.owner.post(world.panel_id, world.general_id, "D")
            await waiting
            await bot.wait_idle(10)
        await proxy.close()
        assert Counter(texts) == Counter({"A": 1, "B": 1, "C": 1, "D": 1})
        assert resumed == [session]
        assert caught_up == []
        assert bot.gateway.connections == 2
        assert disconnects == [1006, 1000], "the cut (no close frame), then our own close"
    run(scenario())


def test_silo_restart_gives_4004_then_a_new_session_and_catch_up_dispatches_missed_messages_once(own_silo: Silo) -> None:
    async def scenario() -> None:
        w = make_world(own_silo)
        owner, bot_id, token, panel_id, general = w.owner, w.bot_id, w.token, w.panel_id, w.general_id
        proxy = await CuttableProxy(own_silo.port).start()
        bot = circul.Bot(proxy.url, token)
        texts: list[str] = []
        catch_up_flags: list[tuple[str, bool]] = []
        mentions: list[str] = []
        readies: list[circul.User] = []
        infos: list[circul.CatchUp] = []
        disconnects: list[int] = []

        @bot.on_panel_message
        def on_message(ctx: circul.Context) -> None:
            texts.append(ctx.text)
            catch_up_flags.append((ctx.text, ctx.is_catch_up))

        bot.on_panel_mention(lambda ctx: mentions.append(ctx.text))
        dms: list[tuple[str, bool, bool]] = []
        bot.on_message(lambda ctx: dms.append((ctx.text, ctx.is_dm, ctx.is_catch_up)))
        bot.on_ready(readies.append)
        bot.on_catch_up(infos.append)
        bot.on_disconnect(lambda code, reason: disconnects.append(code))

        @bot.command("ping")
        def ping(ctx: circul.Context) -> None:
            ctx.reply("pong")

        dm = owner.call("POST", "/api/conversations", {"peer_id": bot_id})
        async with Running(bot):
            first_session = bot.session_id
            waiting = asyncio.ensure_future(wait_for(bot, "panel_message", lambda c: c.text == "A"))
            owner.post(panel_id, general, "A")
            await waiting
            waiting = asyncio.ensure_future(wait_for(bot, "message", lambda c: c.text == "dm before"))
            owner.call("POST", f"/api/conversations/{dm['id']}/messages", {"text": "dm before"})
            await waiting

            proxy.refusing = True
            closed = asyncio.ensure_future(wait_for(bot, "disconnect", timeout=40))
            await asyncio.to_thread(own_silo.restart)
            assert (await closed)[0] == 4004

            owner.post(panel_id, general, "B")
            owner.post(panel_id, general, f"C <@{bot_id}>", mentions=[bot_id])
            ping_message = owner.post(panel_id, general, "!ping")
            owner.call("POST", f"/api/conversations/{dm['id']}/messages", {"text": "dm while away"})
            got_catch_up = asyncio.ensure_future(wait_for(bot, "catch_up", timeout=60))
            proxy.refusing = False
            info = await got_catch_up
            assert info.previous_session_id == first_session
            assert info.session_id == bot.session_id != first_session
            assert [m.text for m in info.missed_messages] == ["B", f"C <@{bot_id}>", "!ping", "dm while away"]

            waiting = asyncio.ensure_future(wait_for(bot, "panel_message", lambda c: c.text == "D"))
            owner.post(panel_id, general, "D")
            await waiting
            await bot.wait_idle(10)
        await proxy.close()

        assert Counter(texts) == Counter({"A": 1, "B": 1, f"C <@{bot_id}>": 1, "!ping": 1, "D": 1})
        assert ("B", True) in catch_up_flags and ("A", False) in catch_up_flags and ("D", False) in catch_up_flags
        assert mentions == [f"C <@{bot_id}>"]
        assert dms == [("dm before", True, False), ("dm while away", True, True)]
        assert len(readies) == 1, "on_ready fires once; the later session goes to on_catch_up"
        assert len(infos) == 1
        replies = [m for m in owner.messages(panel_id, general) if m["sender_id"] == bot_id]
        assert [(m["text"], m["reply_to_id"]) for m in replies] == [("pong", ping_message["id"])]
    run(scenario())


def test_close_while_the_handshake_is_pending_stops_the_bot_instead_of_running_on(world: World) -> None:
    async def scenario() -> None:
        proxy = await CuttableProxy(world.silo.port).start()
        proxy.hold = asyncio.Event()
        bot = circul.Bot(proxy.url, world.token)
        task = asyncio.ensure_future(bot.start())
        await asyncio.wait_for(proxy.arrived.wait(), 10)
        await bot.close()  # the socket is not open yet
        proxy.hold.set()
        try:
            await asyncio.wait_for(task, 10)
        except asyncio.TimeoutError:
            raise AssertionError("close() during the handshake was lost: the bot connected and kept running") from None
        finally:
            await proxy.close()
        assert not bot._ready.is_set(), "no session was started after close()"
    run(scenario())


def test_a_bot_that_saw_no_message_yet_still_catches_up_after_a_restart_but_not_on_older_messages(
        own_silo: Silo) -> None:
    async def scenario() -> None:
        w = make_world(own_silo)
        owner, bot_id, token, panel_id, general = w.owner, w.bot_id, w.token, w.panel_id, w.general_id
        owner.post(panel_id, general, "!ping before the bot started")
        proxy = await CuttableProxy(own_silo.port).start()
        bot = circul.Bot(proxy.url, token)
        texts: list[str] = []
        bot.on_panel_message(lambda ctx: texts.append(ctx.text))

        @bot.command("ping")
        def ping(ctx: circul.Context) -> None:
            ctx.reply("pong")

        async with Running(bot):
            proxy.refusing = True
            closed = asyncio.ensure_future(wait_for(bot, "disconnect", timeout=40))
            await asyncio.to_thread(own_silo.restart)
            assert (await closed)[0] == 4004
            assert bot._high_water is None, "the bot had seen no message before the break"
            # Such a bot's catch-up takes what was posted from two seconds after its first session began (the
            # server's Date header has whole seconds, refreshed once a second): the missed message comes later.
            assert bot._started_at is not None
            await asyncio.to_thread(wait_for_server_clock, own_silo.url, bot._started_at + timedelta(seconds=2))

            asked = owner.post(panel_id, general, "!ping")
            got_catch_up = asyncio.ensure_future(wait_for(bot, "catch_up", timeout=60))
            proxy.refusing = False
            info = await got_catch_up
            assert [m.text for m in info.missed_messages] == ["!ping"]
            await bot.wait_idle(10)
        await proxy.close()
        assert texts == ["!ping"]
        replies = [m for m in owner.messages(panel_id, general) if m["sender_id"] == bot_id]
        assert [(m["text"], m["reply_to_id"]) for m in replies] == [("pong", asked["id"])]
    run(scenario())


def test_token_reset_closes_with_4001_and_the_bot_stops_without_reconnecting(world: World) -> None:
    async def scenario() -> None:
        bot = circul.Bot(world.silo.url, world.token)
        codes: list[int] = []
        bot.on_disconnect(lambda code, reason: codes.append(code))
        task = asyncio.ensure_future(bot.start())
        await asyncio.wait_for(bot.wait_until_ready(), 30)
        world.owner.call("POST", f"/api/apps/{world.bot_id}/token/reset", expect=200)
        with pytest.raises(circul.TokenRevoked):
            await asyncio.wait_for(task, 20)
        await bot.wait_idle(5)
        assert codes == [4001]
        assert bot.gateway.connections == 1
    run(scenario())


def test_an_invalid_token_raises_unauthorized_from_start(silo: Silo) -> None:
    async def scenario() -> None:
        bot = circul.Bot(silo.url, "cb_not-a-real-token")
        with pytest.raises(circul.Unauthorized) as raised:
            await asyncio.wait_for(bot.start(), 20)
        assert raised.value.status == 401
    run(scenario())


def test_a_429_handshake_is_waited_out_and_the_bot_connects_when_a_socket_frees(world: World) -> None:
    async def scenario() -> None:
        from websockets.legacy.client import connect
        url = world.silo.url.replace("http://", "ws://") + f"/ws?token={world.token}"
        sockets = [await connect(url) for _ in range(16)]  # the default cap per token
        try:
            bot = circul.Bot(world.silo.url, world.token)
            task = asyncio.ensure_future(bot.start())
            deadline = asyncio.get_running_loop().time() + 20
            while bot.gateway.handshake_rate_limits == 0:
                assert asyncio.get_running_loop().time() < deadline, "the bot never met the 429"
                assert not task.done(), task
                await asyncio.sleep(0.05)
            assert not bot._ready.is_set()
            await sockets.pop().close()
            await asyncio.wait_for(bot.wait_until_ready(), 20)
            assert bot.gateway.connections == 1
            await bot.close()
            await asyncio.wait_for(task, 20)
        finally:
            for socket in sockets:
                await socket.close()
    run(scenario())


def test_heartbeats_are_answered_so_the_socket_outlives_many_ping_intervals(tmp_path: Path) -> None:
    # A silo of its own that pings every 0.25 s and closes with 4000 after 1 s without an answer.
    silo = Silo(tmp_path, Circul__Gateway__HeartbeatIntervalMs="250", Circul__Gateway__HeartbeatTimeoutMs="1000")
    silo.start()
    try:
        owner = Human(silo.url)
        bot_id, token = owner.create_bot()
        dm = owner.call("POST", "/api/conversations", {"peer_id": bot_id})

        async def scenario() -> None:
            bot = circul.Bot(silo.url, token)
            codes: list[int] = []
            bot.on_disconnect(lambda code, reason: codes.append(code))
            async with Running(bot):
                await asyncio.sleep(3)  # twelve ping intervals, three heartbeat timeouts
                waiting = asyncio.ensure_future(wait_for(bot, "message", lambda c: c.text == "still here?"))
                await asyncio.to_thread(owner.call, "POST", f"/api/conversations/{dm['id']}/messages",
                                        {"text": "still here?"})
                await waiting
                assert codes == [] and bot.gateway.connections == 1
        run(scenario())
    finally:
        silo.stop()


def test_backoff_grows_with_full_jitter_up_to_the_cap_and_resets() -> None:
    backoff = circul.Backoff(base=1.0, cap=8.0, floor=0.0)
    ceilings = [1, 2, 4, 8, 8, 8]
    for ceiling in ceilings:
        delay = backoff.next_delay()
        assert 0 <= delay <= ceiling
    samples = [circul.Backoff(base=1.0, cap=8.0, floor=0.0).next_delay() for _ in range(50)]
    assert len({round(s, 6) for s in samples}) > 40, "delays are jittered"
    backoff.reset()
    assert backoff.failures == 0
