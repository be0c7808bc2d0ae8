"""The WebSocket gateway client (API.md section 8): connect, resume, reconnect with backoff.

Heartbeats: the server pings every 30 s and ``websockets`` answers pings by itself; the client also pings the server
(``ping_interval``) so that a silently dead connection is noticed and replaced.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import urllib.parse
from typing import Any, Awaitable, Callable, Optional

from .errors import GatewayError, TokenRevoked, Unauthorized

try:  # websockets >= 10: the legacy (asyncio) client; Debian's python3-websockets 10.4 has it
    from websockets.legacy.client import connect as _ws_connect
except ImportError:  # pragma: no cover - very old websockets
    from websockets.client import connect as _ws_connect  # type: ignore[no-redef]
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatusCode

log = logging.getLogger("circul.gateway")

#: Close codes of the contract (section 8).
HEARTBEAT_TIMEOUT = 4000
TOKEN_REVOKED = 4001
INVALID_FRAME = 4002
TOO_SLOW = 4003
SHUTTING_DOWN = 4004
RATE_LIMITED = 4008

FrameHandler = Callable[[dict[str, Any]], Awaitable[None]]


class Backoff:
    """Exponential backoff with full jitter (AWS' "full jitter", as discord.py's ExponentialBackoff spreads
    reconnects): the n-th failure waits a random time in [0, min(cap, base * 2**n)], at least ``floor``."""

    def __init__(self, base: float = 1.0, cap: float = 60.0, floor: float = 0.1) -> None:
        self.base = base
        self.cap = cap
        self.floor = floor
        self.failures = 0

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * (2 ** min(self.failures, 16)))
        self.failures += 1
        return max(self.floor, random.uniform(0, ceiling))

    def reset(self) -> None:
        self.failures = 0


class GatewayConnection:
    """One bot's gateway connection, kept alive across disconnects.

    ``on_frame`` gets every decoded frame in order; it is awaited before the next frame is read, so that the caller's
    state (cache, last seq) always reflects everything before the frame it is given.
    """

    def __init__(self, server: str, token: str, on_frame: FrameHandler, *, ping_interval: Optional[float] = 20.0,
                 ping_timeout: Optional[float] = 20.0, open_timeout: float = 10.0, reconnect: bool = True,
                 backoff: Optional[Backoff] = None,
                 on_disconnect: Optional[Callable[[int, str], Awaitable[None]]] = None) -> None:
        self.server = server.rstrip("/")
        self.token = token
        self.on_frame = on_frame
        self.on_disconnect = on_disconnect
        self.ping_interval = ping_interval
        self.ping_timeout = ping_timeout
        self.open_timeout = open_timeout
        self.reconnect = reconnect
        self.backoff = backoff or Backoff()
        self.session_id: Optional[str] = None
        self.last_seq: Optional[int] = None
        self.connections = 0
        """How many sockets were opened (1 + reconnects)."""
        self.handshake_rate_limits = 0
        """How many handshakes were refused with 429 (and waited out)."""
        self._ws: Any = None
        self._stopping = False

    # ------------------------------------------------------------------ public

    def url(self) -> str:
        base = self.server
        if base.startswith("https://"):
            base = "wss://" + base[len("https://"):]
        elif base.startswith("http://"):
            base = "ws://" + base[len("http://"):]
        elif not base.startswith(("ws://", "wss://")):
            base = "wss://" + base
        query = {"token": self.token}
        if self.session_id and self.last_seq is not None:
            query["session_id"] = self.session_id
            query["last_seq"] = str(self.last_seq)
        return f"{base}/ws?{urllib.parse.urlencode(query)}"

    def session_established(self, session_id: str, seq: Optional[int]) -> None:
        """A ``ready``: a new session starts at its seq (1)."""
        self.session_id = session_id
        self.last_seq = seq
        self.backoff.reset()

    def resumed(self) -> None:
        self.backoff.reset()

    def forget_session(self) -> None:
        self.session_id = None
        self.last_seq = None

    async def close(self) -> None:
        """Stops reconnecting and closes the socket (1000). The session stays resumable on the server for a while."""
        self._stopping = True
        ws = self._ws
        if ws is not None:
            await ws.close(1000, "client closing")

    async def drop(self) -> None:
        """Closes the current socket as if the network failed (tests and manual reconnects); the loop resumes."""
        ws = self._ws
        if ws is not None:
            await ws.close(4900, "client reconnecting")

    async def run(self) -> None:
        """Connects and reconnects until :meth:`close`; raises :class:`TokenRevoked` on 4001 and
        :class:`~circul.errors.Unauthorized` when the handshake says the token is invalid."""
        self._stopping = False
        while not self._stopping:
            delay = await self._connect_once()
            if self._stopping:
                return
            if not self.reconnect:
                raise GatewayError("the gateway connection closed and reconnect is off")
            log.info("reconnecting in %.2fs", delay)
            await asyncio.sleep(delay)

    # ------------------------------------------------------------------ internals

    async def _connect_once(self) -> float:
        """One socket's life; returns how long to wait before the next attempt."""
        url = self.url()
        try:
            ws = await _ws_connect(url, ping_interval=self.ping_interval, ping_timeout=self.ping_timeout,
                                   open_timeout=self.open_timeout, max_size=2 ** 24, max_queue=4096,
                                   close_timeout=5)
        except InvalidStatusCode as error:
            return self._handshake_refused(error)
        except (OSError, InvalidHandshake, asyncio.TimeoutError) as error:
            delay = self.backoff.next_delay()
            log.warning("gateway connection failed (%s); next attempt in %.2fs", error, delay)
            return delay
        if self._stopping:  # close() ran while the handshake was under way
            await ws.close(1000, "client closing")
            return 0.0
        self.connections += 1
        self._ws = ws
        try:
            try:
                async for raw in ws:
                    if isinstance(raw, bytes):
                        continue  # the server sends text frames only
                    try:
                        frame = json.loads(raw)
                    except ValueError:
                        log.warning("ignoring a frame that is not JSON")
                        continue
                    if isinstance(frame, dict):
                        await self.on_frame(frame)
            except ConnectionClosed:
                pass
        finally:
            self._ws = None
            await ws.close()
        code = ws.close_code if ws.close_code is not None else 1006
        reason = ws.close_reason or ""
        log.info("gateway closed: %s %s", code, reason)
        if self.on_disconnect is not None:
            try:
                await self.on_disconnect(code, reason)
            except Exception:  # noqa: BLE001 - a handler must not stop the connection loop
                log.exception("on_disconnect handler failed")
        if self._stopping:
            return 0.0
        if code == TOKEN_REVOKED:
            self._stopping = True
            raise TokenRevoked(reason or "token revoked")
        if code == SHUTTING_DOWN:
            # The silo is going away on purpose; come back soon (spread out) and resume on whichever silo answers.
            self.backoff.failures = max(self.backoff.failures, 1)
            return random.uniform(0.25, 1.5)
        return self.backoff.next_delay()

    def _handshake_refused(self, error: InvalidStatusCode) -> float:
        status = error.status_code
        headers = getattr(error, "headers", None)
        if status == 401:
            self._stopping = True
            raise Unauthorized(401, "invalid token", method="GET", path="/ws")
        if status == 429:
            self.handshake_rate_limits += 1
            retry_after = 1.0
            try:
                if headers is not None and headers.get("Retry-After"):
                    retry_after = float(headers.get("Retry-After"))
            except ValueError:
                pass
            log.warning("gateway handshake rate limited (too many sockets for this token?); retrying in %.2fs",
                        retry_after)
            return retry_after + random.uniform(0, 0.25)
        delay = self.backoff.next_delay()
        log.warning("gateway handshake refused with HTTP %d; next attempt in %.2fs", status, delay)
        return delay
