"""Handlers for the gateway's events (plain and async), the cache kept current from events, mentions, bot-to-bot
loop protection and commands, with an in-process bot against a real silo."""

from __future__ import annotations

import asyncio
import uuid

import circul
from conftest import Human, Running, World, run, wait_for


def test_the_cache_follows_channel_panel_and_membership_events_without_rest_calls(world: World) -> None:
    async def scenario() -> None:
        bot = circul.Bot(world.silo.url, world.token)
        seen: dict[str, object] = {}

        @bot.on_panel_message
        def on_message(ctx: circul.Context) -> None:
            before = bot.rest.requests_sent
            seen["panel"], seen["channel"] = ctx.panel, ctx.channel
            seen["requests"] = bot.rest.requests_sent - before

        async with Running(bot):
            owner, pid = world.owner, world.panel_id
            panel = bot.get_panel(pid)
            assert panel is not None and panel.name == world.panel_name and panel.member_count == 2
            assert [c.name for c in bot.get_channels(pid)] == ["general"]

            waiting = asyncio.ensure_future(wait_for(bot, "panel_message"))
            owner.post(pid, world.general_id, "hi")
            await waiting
            await bot.wait_idle(10)
            assert seen["panel"] is panel and seen["channel"] is bot.get_channel(world.general_id)
            assert seen["requests"] == 0

            waiting = asyncio.ensure_future(wait_for(bot, "channel_created"))
            news = owner.call("POST", f"/api/panels/{pid}/channels", {"name": "news"}, expect=201)
            ctx = await waiting
            assert ctx.channel.name == "news"
            assert [c.name for c in bot.get_channels(pid)] == ["general", "news"]

            waiting = asyncio.ensure_future(wait_for(bot, "channel_updated"))
            owner.call("PATCH", f"/api/panels/{pid}/channels/{news['id']}", {"name": "headlines"}, expect=200)
            await waiting
            assert bot.get_channel(news["id"]).name == "headlines"

            waiting = asyncio.ensure_future(wait_for(bot, "panel_updated"))
            owner.call("PATCH", f"/api/panels/{pid}", {"name": "Renamed"}, expect=200)
            await waiting
            assert panel.name == "Renamed" and bot.get_panel(pid) is panel

            carol = Human(world.silo.url)
            waiting = asyncio.ensure_future(wait_for(bot, "member_joined"))
            owner.invite_and_join(pid, carol)
            ctx = await waiting
            assert ctx.user_id == carol.id and ctx.panel_id == pid
            assert panel.member_count == 3 and carol.id in panel.member_ids

            waiting = asyncio.ensure_future(wait_for(bot, "member_left"))
            carol.call("DELETE", f"/api/panels/{pid}/members/{carol.id}", expect=204)
            await waiting
            assert panel.member_count == 2 and carol.id not in panel.member_ids

            waiting = asyncio.ensure_future(wait_for(bot, "channel_deleted"))
            owner.call("DELETE", f"/api/panels/{pid}/channels/{news['id']}", expect=204)
            ctx = await waiting
            assert ctx.channel_id == news["id"] and bot.get_channel(news["id"]) is None
            assert [c.name for c in bot.get_channels(pid)] == ["general"]

            other = owner.create_panel("Second")
            waiting = asyncio.ensure_future(wait_for(bot, "panel_joined"))
            owner.add_bot(other["id"], world.bot_id)
            await waiting
            assert bot.get_panel(other["id"]).name == "Second"
            assert [c.name for c in bot.get_channels(other["id"])] == ["general"]

            waiting = asyncio.ensure_future(wait_for(bot, "panel_left"))
            owner.call("DELETE", f"/api/panels/{other['id']}/members/{world.bot_id}", expect=204)
            ctx = await waiting
            assert bot.get_panel(other["id"]) is None and bot.get_channels(other["id"]) == []
            assert ctx.panel.name == "Second", "the last cached copy stays on the context"

            waiting = asyncio.ensure_future(wait_for(bot, "panel_deleted"))
            owner.call("DELETE", f"/api/panels/{pid}", expect=204)
            await waiting
            assert bot.get_panels() == []
    run(scenario())


def test_dm_group_edit_reaction_delete_and_presence_handlers_plain_and_async(world: World) -> None:
    async def scenario() -> None:
        bot = circul.Bot(world.silo.url, world.token)
        got: dict[str, list[circul.Context]] = {}

        def record(name: str):
            def handler(ctx: circul.Context) -> None:
                got.setdefault(name, []).append(ctx)
            return handler

        @bot.on_message
        async def on_dm(ctx: circul.Context) -> None:
            got.setdefault("message", []).append(ctx)
            if ctx.text == "ping":
                reply = await ctx.reply("pong")
                assert isinstance(reply, circul.Message)

        for name in ("message_edited", "message_deleted", "reaction_added", "reaction_removed", "mention"):
            bot.on(name)(record(name))
        bot.on_status_change(record("status_change"))
        bot.on_user_updated(record("user_updated"))

        async with Running(bot):
            owner = world.owner
            dm = owner.call("POST", "/api/conversations", {"peer_id": world.bot_id})
            pong = asyncio.ensure_future(wait_for(bot, "message", lambda c: c.text == "pong" or False))
            waiting = asyncio.ensure_future(wait_for(bot, "message", lambda c: c.text == "ping"))
            ping = owner.call("POST", f"/api/conversations/{dm['id']}/messages", {"text": "ping"}, expect=201)
            ctx = await waiting
            assert ctx.is_dm and not ctx.is_group and not ctx.is_panel and ctx.conv_id == dm["id"]
            assert ctx.sender.id == owner.id and not ctx.sender.is_bot
            await bot.wait_idle(10)
            pong.cancel()  # the bot's own "pong" is not dispatched (ignore_self)
            replies = owner.call("GET", f"/api/conversations/{dm['id']}/messages")
            assert replies[0]["text"] == "pong" and replies[0]["reply_to_id"] == ping["id"]

            group = owner.call("POST", "/api/groups", {"name": "g", "member_ids": [world.bot_id]}, expect=201)
            waiting = asyncio.ensure_future(wait_for(bot, "message", lambda c: c.text == "group hi"))
            owner.call("POST", f"/api/groups/{group['id']}/messages", {"text": "group hi"}, expect=201)
            ctx = await waiting
            assert ctx.is_group and not ctx.is_dm

            waiting = asyncio.ensure_future(wait_for(bot, "mention"))
            owner.call("POST", f"/api/conversations/{dm['id']}/messages",
                       {"text": f"hey <@{world.bot_id}>"}, expect=201)
            ctx = await waiting
            assert ctx.mentioned_me and ctx.panel_id is None

            waiting = asyncio.ensure_future(wait_for(bot, "message_edited"))
            owner.call("PATCH", f"/api/messages/{ping['id']}", {"text": "ping!"}, expect=200)
            ctx = await waiting
            assert ctx.message_id == ping["id"] and ctx.message.text == "ping!" and ctx.conv_id == dm["id"]

            waiting = asyncio.ensure_future(wait_for(bot, "reaction_added"))
            owner.call("POST", f"/api/messages/{replies[0]['id']}/reactions", {"emoji": "🎉"})
            ctx = await waiting
            assert (ctx.emoji, ctx.user_id, ctx.message_id) == ("🎉", owner.id, replies[0]["id"])

            waiting = asyncio.ensure_future(wait_for(bot, "reaction_removed"))
            owner.call("DELETE", f"/api/messages/{replies[0]['id']}/reactions/%F0%9F%8E%89")
            assert (await waiting).emoji == "🎉"

            waiting = asyncio.ensure_future(wait_for(bot, "message_deleted"))
            owner.call("DELETE", f"/api/messages/{ping['id']}", expect=204)
            assert (await waiting).message_id == ping["id"]

            status = asyncio.ensure_future(wait_for(bot, "status_change", lambda c: c.user_id == world.bot_id
                                                    and c.status == "busy"))
            updated = asyncio.ensure_future(wait_for(bot, "user_updated", lambda c: c.user_id == world.bot_id))
            me = await bot.set_status("busy", mood="⛅ forecasting")
            assert me.status == "busy" and me.mood == "⛅ forecasting"
            await status
            assert (await updated).user.mood == "⛅ forecasting"
            assert bot.user.status == "busy" and bot.user.mood == "⛅ forecasting"
            await bot.wait_idle(10)
        for name in ("message_edited", "message_deleted", "reaction_added", "reaction_removed", "mention"):
            assert len(got[name]) == 1, name
    run(scenario())


def test_panel_mentions_and_bot_to_bot_loops_are_skipped_by_default(world: World) -> None:
    async def scenario() -> None:
        other_id, other_token = world.owner.create_bot("Chatty")
        world.owner.add_bot(world.panel_id, other_id)
        chatty = circul.RestClient(world.silo.url, other_token)
        strict = circul.Bot(world.silo.url, world.token)
        texts: list[str] = []
        mentions: list[str] = []
        strict.on_panel_message(lambda ctx: texts.append(ctx.text))
        strict.on_panel_mention(lambda ctx: mentions.append(ctx.text))
        async with Running(strict):
            await chatty.send_channel_message(world.panel_id, world.general_id, f"bot says hi <@{world.bot_id}>",
                                        mentions=[world.bot_id])
            waiting = asyncio.ensure_future(wait_for(strict, "panel_message", lambda c: c.text == "sentinel"))
            world.owner.post(world.panel_id, world.general_id, "sentinel")
            await waiting
            waiting = asyncio.ensure_future(wait_for(strict, "panel_mention"))
            world.owner.post(world.panel_id, world.general_id, f"human <@{world.bot_id}>", mentions=[world.bot_id])
            ctx = await waiting
            assert ctx.panel_id == world.panel_id and ctx.channel.name == "general" and ctx.mentioned_me
            await strict.wait_idle(10)
        assert texts == ["sentinel", f"human <@{world.bot_id}>"]
        assert mentions == [f"human <@{world.bot_id}>"]

        open_bot = circul.Bot(world.silo.url, world.token, ignore_bots=False)
        seen: list[tuple[str, bool]] = []
        open_bot.on_panel_message(lambda ctx: seen.append((ctx.text, ctx.sender.is_bot)))
        async with Running(open_bot):
            waiting = asyncio.ensure_future(wait_for(open_bot, "panel_message", lambda c: c.text == "beep"))
            await chatty.send_channel_message(world.panel_id, world.general_id, "beep")
            await waiting
            await open_bot.wait_idle(10)
        assert seen == [("beep", True)]
    run(scenario())


def test_system_messages_reach_message_handlers_flagged_is_system(world: World) -> None:
    async def scenario() -> None:
        bot = circul.Bot(world.silo.url, world.token)
        flags: list[tuple[str, bool]] = []
        bot.on_panel_message(lambda ctx: flags.append((ctx.text, ctx.message.is_system)))
        async with Running(bot):
            dave = Human(world.silo.url)
            waiting = asyncio.ensure_future(wait_for(bot, "panel_message", lambda c: c.message.is_system))
            world.owner.invite_and_join(world.panel_id, dave)
            await waiting
            await bot.wait_idle(10)
        assert flags == [(f"{dave.name} joined the panel.", True)]
    run(scenario())


def test_commands_with_prefix_arguments_async_handlers_and_errors(world: World) -> None:
    async def scenario() -> None:
        bot = circul.Bot(world.silo.url, world.token, prefix=["?", "!"])
        errors: list[str] = []
        failures: list[str] = []

        @bot.command("weather", aliases=["w"])
        async def weather(ctx: circul.Context, city: str, days: int = 1) -> None:
            await ctx.reply(f"{city} for {days} days ({ctx.prefix}{ctx.command} {ctx.args})")

        @bot.command()
        def boom(ctx: circul.Context) -> None:
            raise RuntimeError("kaboom")

        @bot.command("info")
        def info(ctx: circul.Context) -> None:
            ctx.reply(f"{ctx.panel.name} — {ctx.panel.member_count} members")

        bot.on_command_error(lambda ctx, error: errors.append(f"{ctx.command}: {error}"))
        bot.on_error(lambda name, error, args: failures.append(name))

        async with Running(bot):
            general, pid, owner = world.general_id, world.panel_id, world.owner
            replies = asyncio.ensure_future(wait_for(bot, "raw_event", lambda f: f["type"] == "panel_message"
                                                     and f["payload"]["message"]["sender_id"] == world.bot_id
                                                     and "New York" in f["payload"]["message"]["text"]))
            owner.post(pid, general, '?W "New York" 3')
            frame = await replies
            assert frame["payload"]["message"]["text"] == "New York for 3 days (?weather ['New York', '3'])"

            done = asyncio.ensure_future(wait_for(bot, "command_error", timeout=20))
            owner.post(pid, general, "!weather Paris soon")
            await done
            done = asyncio.ensure_future(wait_for(bot, "command_error", timeout=20))
            owner.post(pid, general, "!boom")
            await done

            answer = asyncio.ensure_future(wait_for(bot, "raw_event", lambda f: f["type"] == "panel_message"
                                                    and f["payload"]["message"]["sender_id"] == world.bot_id
                                                    and "members" in f["payload"]["message"]["text"]))
            owner.post(pid, general, "!info")
            assert (await answer)["payload"]["message"]["text"] == f"{world.panel_name} — 2 members"
            owner.post(pid, general, "!unknown command")
            await bot.wait_idle(10)
        assert errors[0] == "weather: days must be an integer, not 'soon'"
        assert errors[1] == "boom: kaboom"
        assert failures == []
    run(scenario())


def test_a_failing_handler_goes_to_on_error_and_the_bot_keeps_going(world: World) -> None:
    async def scenario() -> None:
        bot = circul.Bot(world.silo.url, world.token)
        failures: list[tuple[str, str]] = []
        texts: list[str] = []

        @bot.on_panel_message
        def flaky(ctx: circul.Context) -> None:
            if ctx.text == "explode":
                raise ValueError("bad input")
            texts.append(ctx.text)

        bot.on_error(lambda name, error, args: failures.append((name, str(error))))
        async with Running(bot):
            owner = world.owner
            owner.post(world.panel_id, world.general_id, "explode")
            waiting = asyncio.ensure_future(wait_for(bot, "panel_message", lambda c: c.text == "after"))
            owner.post(world.panel_id, world.general_id, "after")
            await waiting
            await bot.wait_idle(10)
        assert failures == [("panel_message", "bad input")]
        assert texts == ["after"]
    run(scenario())


def test_send_resolves_channels_from_the_cache_and_conversations_by_id(world: World) -> None:
    async def scenario() -> None:
        bot = circul.Bot(world.silo.url, world.token)
        async with Running(bot):
            in_channel = await bot.send(world.general_id, "to the channel")
            assert in_channel.panel_id == world.panel_id and in_channel.channel_id == world.general_id
            dm = await bot.send_dm(world.owner.id, "to the owner")
            again = await bot.send(dm.conv_id, f"again {uuid.uuid4().hex[:4]}")
            assert again.conv_id == dm.conv_id and again.panel_id is None
    run(scenario())
