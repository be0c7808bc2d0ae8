"""502/503/504 retries against a scripted HTTP server on loopback (the real silo cannot be made to fail on demand):
reads and message sends (with their Idempotency-Key) are repeated, other writes are not."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

import circul

ME = {"id": "bot-1", "name": "Weather", "is_bot": True, "owner_id": "u-1", "status": "online", "mood": "", "bio": "",
      "avatar_url": "", "banner_url": ""}
SENT = {"id": "msg-1", "conv_id": "c-1", "panel_id": None, "channel_id": None, "sender_id": "bot-1",
        "sender": {"id": "bot-1", "name": "Weather", "is_bot": True, "avatar_url": ""}, "text": "hi", "bold": False,
        "italic": False, "mentions": [], "reply_to_id": None, "reactions": [], "is_system": False,
        "created_at": "2026-11-21T10:00:00.123Z", "edited_at": None, "visible_to": None}


class Script:
    """What each route answers, in order (the last answer repeats), and what was asked."""

    def __init__(self, routes: dict[str, list[tuple[int, Any]]]) -> None:
        self.routes = routes
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()

    def answer(self, route: str, headers: dict[str, str]) -> tuple[int, Any]:
        with self.lock:
            self.calls.append((route, headers))
            answers = self.routes.get(route, [(404, {"error": "not found"})])
            return answers.pop(0) if len(answers) > 1 else answers[0]

    def count(self, route: str) -> int:
        return sum(1 for r, _ in self.calls if r == route)


@pytest.fixture()
def scripted() -> Iterator[tuple[str, Script]]:
    script = Script({})

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            status, body = script.answer(f"{self.command} {self.path}", {k.lower(): v for k, v in self.headers.items()})
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", script
    finally:
        server.shutdown()
        server.server_close()


def test_a_read_is_retried_after_503_and_502_until_it_succeeds(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.routes["GET /api/me"] = [(503, {"error": "storage unavailable"}), (502, {"error": "bad gateway"}), (200, ME)]
    me = circul.RestClient(url, "cb_token").me()
    assert me.id == "bot-1" and script.count("GET /api/me") == 3


def test_a_message_send_is_retried_with_the_same_idempotency_key(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.routes["POST /api/conversations/c-1/messages"] = [(504, {"error": "timeout"}), (201, SENT)]
    message = circul.RestClient(url, "cb_token").send_message("c-1", "hi")
    keys = [h.get("idempotency-key") for r, h in script.calls if r == "POST /api/conversations/c-1/messages"]
    assert message.id == "msg-1" and len(keys) == 2 and keys[0] and keys[0] == keys[1]


def test_other_writes_are_not_retried_and_a_lasting_failure_surfaces_typed(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.routes["POST /api/messages/msg-1/reactions"] = [(503, {"error": "storage unavailable"})]
    script.routes["GET /api/panels"] = [(503, {"error": "storage unavailable"})]
    rest = circul.RestClient(url, "cb_token", max_retries=2)
    with pytest.raises(circul.ServerError) as write:
        rest.add_reaction("msg-1", "👍")
    assert (write.value.status, write.value.error) == (503, "storage unavailable")
    assert script.count("POST /api/messages/msg-1/reactions") == 1
    with pytest.raises(circul.ServerError):
        rest.get_panels()
    assert script.count("GET /api/panels") == 3
