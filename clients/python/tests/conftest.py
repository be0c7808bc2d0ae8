"""Test fixtures: a real Circul silo (the Release build) started as a subprocess on SQLite in a temp dir, humans
driving it over plain HTTP (not through the SDK), and a TCP proxy that can cut the bot's connection."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest

PYTHON_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = PYTHON_ROOT.parents[1]
sys.path.insert(0, str(PYTHON_ROOT))

SILO_BINARY = REPO_ROOT / "src" / "Circul.Silo" / "bin" / "Release" / "net10.0" / "Circul.Silo"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Silo:
    """One silo process on a fixed loopback port with its SQLite file in a temp dir; restartable on the same port
    and database."""

    def __init__(self, root: Path, **config: str) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: Optional[subprocess.Popen[bytes]] = None
        self.log_path = root / "silo.log"
        self.env = dict(os.environ)
        self.env.update({
            "Circul__Storage__Provider": "sqlite",
            "Circul__Storage__ConnectionString": f"Data Source={root / 'circul.db'}",
            "Circul__Orleans__SiloPort": "0",
            "Circul__Orleans__GatewayPort": "0",
            "Circul__RateLimits__RequestsPerSecond": "10000",
            "Circul__RateLimits__MessagesPerSecond": "4",
            "Circul__LoginThrottle__Enabled": "false",
            "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
        })
        self.env.update(config)

    def start(self) -> None:
        if not SILO_BINARY.exists():
            raise RuntimeError(f"{SILO_BINARY} is missing: run `dotnet build src/Circul.Silo -c Release` first")
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([str(SILO_BINARY), "--urls", self.url], cwd=self.root, env=self.env,
                                        stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the silo exited with {self.process.returncode}; see {self.log_path}:\n"
                                   + self.log_path.read_text(errors="replace")[-3000:])
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the silo was not ready within 90 s; see {self.log_path}")

    def stop(self) -> None:
        """Graceful stop (SIGTERM): the gateway closes every socket with 4004 first."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@contextlib.contextmanager
def running_silo(prefix: str) -> Iterator[Silo]:
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        instance = Silo(Path(tmp))
        instance.start()
        try:
            yield instance
        finally:
            instance.stop()


@pytest.fixture(scope="session")
def silo():
    with running_silo("circul-py-") as instance:
        yield instance


@pytest.fixture()
def own_silo():
    """A silo of the test's own (for tests that stop and restart it)."""
    with running_silo("circul-py-own-") as instance:
        yield instance


# ---------------------------------------------------------------------------- plain HTTP for the human side

def http(server: str, method: str, path: str, body: Any = None, *, token: Optional[str] = None,
         scheme: str = "Bearer") -> tuple[int, Any]:
    """One request; a 429 (the test silo allows 4 sends per second per room) is waited out like a client would."""
    for _ in range(10):
        status, answer = _http_once(server, method, path, body, token, scheme)
        if status != 429:
            return status, answer
        time.sleep(float(answer.get("retry_after", 1)))
    return status, answer


def _http_once(server: str, method: str, path: str, body: Any, token: Optional[str], scheme: str) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"{scheme} {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def wait_for_server_clock(server: str, time_reached: Any, timeout: float = 10.0) -> None:
    """Returns once the server's clock (its ``Date`` header, whole seconds) has reached ``time_reached``."""
    import email.utils
    deadline = time.monotonic() + timeout
    while True:
        with urllib.request.urlopen(server + "/healthz", timeout=5) as answer:
            now = email.utils.parsedate_to_datetime(answer.headers["Date"])
        if now >= time_reached:
            return
        assert time.monotonic() < deadline, f"the server's clock did not reach {time_reached}"
        time.sleep(0.2)


class Human:
    """A registered human driving the server over REST."""

    def __init__(self, server: str, name: Optional[str] = None) -> None:
        self.server = server
        self.name = name or f"h{uuid.uuid4().hex[:10]}"
        status, body = http(server, "POST", "/api/auth/register", {"username": self.name, "password": "correct horse"})
        assert status == 201, body
        self.token: str = body["token"]
        self.id: str = body["user"]["id"]

    def call(self, method: str, path: str, body: Any = None, expect: Optional[int] = None) -> Any:
        status, answer = http(self.server, method, path, body, token=self.token)
        if expect is not None:
            assert status == expect, f"{method} {path} answered {status} {answer}, expected {expect}"
        elif status >= 400:
            raise AssertionError(f"{method} {path} answered {status} {answer}")
        return answer

    def create_bot(self, name: Optional[str] = None) -> tuple[str, str]:
        """Creates a bot application; returns (bot id, token)."""
        body = self.call("POST", "/api/apps", {"name": name or f"Bot{uuid.uuid4().hex[:6]}"}, expect=201)
        return body["app"]["id"], body["token"]

    def create_panel(self, name: str) -> dict[str, Any]:
        return self.call("POST", "/api/panels", {"name": name}, expect=201)

    def add_bot(self, panel_id: str, bot_id: str) -> None:
        self.call("POST", f"/api/panels/{panel_id}/bots", {"bot_id": bot_id}, expect=201)

    def channels(self, panel_id: str) -> list[dict[str, Any]]:
        return self.call("GET", f"/api/panels/{panel_id}/channels", expect=200)

    def general(self, panel_id: str) -> str:
        return next(c["id"] for c in self.channels(panel_id) if c["name"] == "general")

    def post(self, panel_id: str, channel_id: str, text: str, mentions: Optional[list[str]] = None) -> dict[str, Any]:
        body: dict[str, Any] = {"text": text}
        if mentions:
            body["mentions"] = mentions
        return self.call("POST", f"/api/panels/{panel_id}/channels/{channel_id}/messages", body, expect=201)

    def messages(self, panel_id: str, channel_id: str, limit: int = 100) -> list[dict[str, Any]]:
        return self.call("GET", f"/api/panels/{panel_id}/channels/{channel_id}/messages?limit={limit}", expect=200)

    def invite_and_join(self, panel_id: str, joiner: "Human") -> None:
        code = self.call("POST", f"/api/panels/{panel_id}/invites", {}, expect=201)["code"]
        joiner.call("POST", f"/api/invites/{code}/accept", expect=200)


@pytest.fixture()
def alice(silo: Silo) -> Human:
    return Human(silo.url)


def make_world(silo: Silo) -> "World":
    """An owner with a panel (general channel) and a bot in it."""
    owner = Human(silo.url)
    bot_id, token = owner.create_bot()
    panel = owner.create_panel(f"Panel {uuid.uuid4().hex[:6]}")
    owner.add_bot(panel["id"], bot_id)
    return World(silo, owner, bot_id, token, panel["id"], panel["name"], owner.general(panel["id"]))


@pytest.fixture()
def world(silo: Silo) -> "World":
    return make_world(silo)


class World:
    def __init__(self, silo: Silo, owner: Human, bot_id: str, token: str, panel_id: str, panel_name: str,
                 general_id: str) -> None:
        self.silo, self.owner, self.bot_id, self.token = silo, owner, bot_id, token
        self.panel_id, self.panel_name, self.general_id = panel_id, panel_name, general_id


# ---------------------------------------------------------------------------- a TCP proxy that can cut connections

class CuttableProxy:
    """Forwards loopback TCP connections to the silo. ``cut()`` drops every open connection (the bot sees the
    network fail); while ``refusing`` new connections are closed at once."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.refusing = False
        self.accepted = 0
        self.hold: Optional[asyncio.Event] = None
        """While set to an unset event, accepted connections wait for it before they reach the silo."""
        self.arrived = asyncio.Event()
        self._server: Optional[asyncio.AbstractServer] = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def start(self) -> "CuttableProxy":
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.transport.abort()
            return
        self.accepted += 1
        self.arrived.set()
        if self.hold is not None:
            await self.hold.wait()
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (OSError, asyncio.CancelledError):
                pass
            finally:
                dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers.discard(writer)
        self._writers.discard(up_writer)

    def cut(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


# ---------------------------------------------------------------------------- a human's own gateway socket

class HumanSocket:
    """A human's raw gateway connection (plain ``websockets``, not the SDK): awaits events with a timeout whose
    failure message lists what arrived instead."""

    def __init__(self, server: str, token: str) -> None:
        self.url = server.replace("http://", "ws://") + f"/ws?token={token}"
        self.frames: list[dict[str, Any]] = []
        self._ws: Any = None
        self._new = asyncio.Event()
        self._reader: Optional[asyncio.Task[None]] = None

    async def __aenter__(self) -> "HumanSocket":
        from websockets.legacy.client import connect
        self._ws = await connect(self.url)
        self._reader = asyncio.ensure_future(self._read())
        await self.expect(lambda f: f["type"] == "ready", what="ready")
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self._reader:
            self._reader.cancel()
        await self._ws.close()

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                self.frames.append(json.loads(raw))
                self._new.set()
        except Exception:  # noqa: BLE001 - the socket closed
            pass

    async def expect(self, predicate: Any, *, timeout: float = 20.0, what: str = "an event",
                     start: int = 0) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        index = start
        while True:
            while index < len(self.frames):
                frame = self.frames[index]
                index += 1
                if predicate(frame):
                    return frame
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                seen = [(f.get("type"), (f.get("payload") or {}).get("message", {}).get("text")
                         if isinstance(f.get("payload"), dict) else None) for f in self.frames[start:]]
                raise AssertionError(f"expected {what} within {timeout}s; got {seen}")
            self._new.clear()
            try:
                await asyncio.wait_for(self._new.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    def mark(self) -> int:
        return len(self.frames)


def bot_message(bot_id: str, *, text: Optional[str] = None, reply_to: Optional[str] = None):
    """A predicate: a panel_message sent by ``bot_id`` (with this text / replying to this message)."""
    def predicate(frame: dict[str, Any]) -> bool:
        if frame.get("type") != "panel_message":
            return False
        message = frame["payload"]["message"]
        return (message["sender_id"] == bot_id and (text is None or message["text"] == text)
                and (reply_to is None or message.get("reply_to_id") == reply_to))
    return predicate


# ---------------------------------------------------------------------------- an in-process bot

class Running:
    """``async with Running(bot):`` starts the bot, waits for ready, and closes it (propagating its failure)."""

    def __init__(self, bot: Any, ready_timeout: float = 30.0) -> None:
        self.bot = bot
        self.ready_timeout = ready_timeout
        self.task: Optional[asyncio.Task[None]] = None

    async def __aenter__(self) -> Any:
        self.task = asyncio.ensure_future(self.bot.start())
        ready = asyncio.ensure_future(self.bot.wait_until_ready())
        done, _ = await asyncio.wait({ready, self.task}, timeout=self.ready_timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if self.task in done:
            ready.cancel()
            self.task.result()
            raise AssertionError("the bot stopped before it was ready")
        if ready not in done:
            ready.cancel()
            raise AssertionError(f"the bot was not ready within {self.ready_timeout}s")
        return self.bot

    async def __aexit__(self, *exc: Any) -> None:
        assert self.task is not None
        if not self.task.done():
            await self.bot.close()
        try:
            await asyncio.wait_for(self.task, 20)
        except Exception:
            if exc[0] is None:
                raise


async def wait_for(bot: Any, name: str, check: Any = None, timeout: float = 20.0, what: str = "") -> Any:
    try:
        return await bot.wait_for(name, check=check, timeout=timeout)
    except asyncio.TimeoutError:
        raise AssertionError(f"no {what or name} event within {timeout}s") from None


def run(coro: Any) -> Any:
    return asyncio.run(coro)


# ---------------------------------------------------------------------------- a bot script as a subprocess

class BotProcess:
    def __init__(self, script: Path, env: dict[str, str]) -> None:
        self.script, self.env = script, env
        self.lines: list[str] = []
        self._new = asyncio.Event()

    async def __aenter__(self) -> "BotProcess":
        # The seed example's own interpreter: /usr/bin/python3 (Debian's, with python3-websockets), as bot authors
        # would run it; sys.executable is that interpreter when the tests run under it.
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, str(self.script), env=self.env, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT)
        self._reader = asyncio.ensure_future(self._read())
        return self

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            self.lines.append(line.decode(errors="replace").rstrip("\n"))
            self._new.set()

    async def expect_line(self, predicate, timeout: float = 30.0) -> str:
        deadline = asyncio.get_running_loop().time() + timeout
        index = 0
        while True:
            while index < len(self.lines):
                if predicate(self.lines[index]):
                    return self.lines[index]
                index += 1
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or self.process.returncode is not None:
                raise AssertionError(f"the bot printed no expected line; output:\n" + "\n".join(self.lines))
            self._new.clear()
            try:
                await asyncio.wait_for(self._new.wait(), min(remaining, 1.0))
            except asyncio.TimeoutError:
                pass

    async def __aexit__(self, *exc) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except asyncio.TimeoutError:
                self.process.kill()
                await self.process.wait()
        await self._reader


def bot_env(server: str, token: str) -> dict[str, str]:
    return dict(os.environ, CIRCUL_SERVER=server, BOT_TOKEN=token, PYTHONUNBUFFERED="1",
                PYTHONPATH=str(PYTHON_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
