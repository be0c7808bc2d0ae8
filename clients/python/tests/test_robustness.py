"""Frames the real server never sends (not JSON, payloads of another shape, as a newer server might send) are skipped
and logged; the bot stays on the same connection. A scripted server on loopback (``websockets``' own server, which
also answers the two REST reads of the cache) plays the gateway."""

from __future__ import annotations

import asyncio
import http
import json
from typing import Any

import circul
from conftest import Running, run, wait_for

READY = {"type": "ready", "seq": 1, "payload": {
    "user": {"id": "bot-1", "name": "Weather", "is_bot": True, "owner_id": "u-1", "status": "online", "mood": "",
             "bio": "", "avatar_url": "", "banner_url": ""},
    "session_id": "s-1", "heartbeat_interval_ms": 30000}}
MESSAGE = {"type": "message_new", "seq": 6, "payload": {"conv_id": "c-1", "message": {
    "id": "msg-1", "conv_id": "c-1", "panel_id": None, "channel_id": None, "sender_id": "u-1",
    "sender": {"id": "u-1", "name": "ann", "is_bot": False, "avatar_url": ""}, "text": "still here", "bold": False,
    "italic": False, "mentions": [], "reply_to_id": None, "reactions": [], "is_system": False,
    "created_at": "2026-11-21T10:00:00.123Z", "edited_at": None, "visible_to": None}}}


def test_unreadable_frames_are_skipped_and_the_next_event_arrives_on_the_same_connection() -> None:
    frames: list[Any] = [
        READY,
        "this is not JSON",
        {"type": "panel_updated", "seq": 2, "payload": {"name": "no id"}},
        {"type": "message_new", "seq": 3, "payload": {"conv_id": "c-1", "message": {"text": "no id"}}},
        {"type": "reaction_added", "seq": "four", "payload": []},
        [1, 2, 3],
        MESSAGE,
    ]

    async def scenario() -> None:
        from websockets.legacy.server import serve

        async def rest(path: str, headers: Any) -> Any:
            if path.startswith("/ws"):
                return None
            body = b"[]" if path in ("/api/panels", "/api/conversations") else b'{"error": "not found"}'
            status = http.HTTPStatus.OK if body == b"[]" else http.HTTPStatus.NOT_FOUND
            return status, [("Content-Type", "application/json")], body

        async def gateway(ws: Any, path: str) -> None:
            for frame in frames:
                await ws.send(frame if isinstance(frame, str) else json.dumps(frame))
            await ws.wait_closed()

        async with serve(gateway, "127.0.0.1", 0, process_request=rest) as server:
            port = server.sockets[0].getsockname()[1]
            bot = circul.Bot(f"http://127.0.0.1:{port}", "cb_token", catch_up=False)
            disconnects: list[int] = []
            bot.on_disconnect(lambda code, reason: disconnects.append(code))
            # Waiting from before the start: the frames follow ready at once.
            waiting = asyncio.ensure_future(wait_for(bot, "message", lambda c: c.text == "still here"))
            async with Running(bot):
                ctx = await waiting
                assert ctx.message.id == "msg-1"
                assert bot.gateway.connections == 1 and disconnects == []
                assert bot.gateway.last_seq == 6
    run(scenario())
