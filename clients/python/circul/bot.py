"""The bot: gateway events to handlers, a cache of panels and channels, commands."""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections import OrderedDict, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable, Iterable, Optional, Sequence, TypeVar, Union

from .commands import Command, parse_command
from .context import Context
from .errors import CommandError, ConnectionFailed, HTTPException
from .gateway import Backoff, GatewayConnection
from .models import Channel, Conversation, Message, Panel, User
from .rest import Call, RestClient

log = logging.getLogger("circul")

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")

STATUSES = ("online", "away", "busy", "offline")

#: Gateway event type -> handler name (``on_<name>``) for the events that map one to one.
_SIMPLE_EVENTS = {
    "message_edited": "message_edited",
    "message_deleted": "message_deleted",
    "reaction_added": "reaction_added",
    "reaction_removed": "reaction_removed",
    "status_change": "status_change",
    "user_updated": "user_updated",
    "avatar_updated": "avatar_updated",
}


@dataclass
class CatchUp:
    """Given to ``on_catch_up`` handlers after a session was lost (``invalid_session`` or a new ``ready``).

    The cache has been rebuilt from REST; ``missed_messages`` (oldest first) are the messages posted while the bot was
    away, already dispatched to the message handlers with ``ctx.is_catch_up == True``. Other events of the gap
    (joins, reactions, edits) are not replayed: compare with your own state if you need them.
    """

    previous_session_id: Optional[str]
    session_id: str
    missed_messages: list[Message] = field(default_factory=list)


class Bot:
    """A Circul bot.

    >>> bot = circul.Bot("https://circul.xyz", os.environ["BOT_TOKEN"])
    >>> @bot.on_panel_message
    ... def on_msg(ctx):
    ...     if ctx.mentioned_me:
    ...         ctx.reply("You mentioned me!", mention_sender=True)
    >>> bot.run()

    Handlers may be plain functions (run in a worker thread; ``ctx.reply(...)`` then blocks and returns the message)
    or ``async def`` coroutines (``await ctx.reply(...)``). Every handler call runs on its own, so a slow handler
    never delays the next event.

    Options: ``prefix`` (a string or several) for commands; ``ignore_bots`` (default ``True``): messages from bots
    reach no message handler, mention handler or command (no bot-to-bot loops); ``ignore_self`` (default ``True``):
    the same for the bot's own messages; ``catch_up`` (default ``True``): after a lost session, messages posted while
    away are fetched through REST and dispatched once; ``reconnect`` (default ``True``).
    """

    def __init__(self, server: str, token: str, *, prefix: Union[str, Sequence[str]] = "!",
                 ignore_bots: bool = True, ignore_self: bool = True, case_insensitive: bool = True,
                 catch_up: bool = True, catch_up_limit: int = 500, reconnect: bool = True,
                 handler_threads: int = 16, ping_interval: Optional[float] = 20.0,
                 rest: Optional[RestClient] = None) -> None:
        self.server = server
        self.rest = rest or RestClient(server, token)
        self.prefixes: list[str] = [prefix] if isinstance(prefix, str) else list(prefix)
        self.ignore_bots = ignore_bots
        self.ignore_self = ignore_self
        self.case_insensitive = case_insensitive
        self.catch_up = catch_up
        self.catch_up_limit = catch_up_limit
        self.handler_threads = handler_threads
        self.user: Optional[User] = None
        """The bot's own user, set by ``ready``."""
        self.gateway = GatewayConnection(server if "://" in server else "https://" + server, token, self._on_frame,
                                         ping_interval=ping_interval, reconnect=reconnect,
                                         backoff=Backoff(), on_disconnect=self._on_disconnect)
        self._panels: dict[str, Panel] = {}
        self._channels: dict[str, Channel] = {}
        self._conversation_kinds: dict[str, str] = {}
        self._conversations: dict[str, Conversation] = {}
        self._handlers: dict[str, list[Callable[..., Any]]] = defaultdict(list)
        self._commands: dict[str, Command] = {}
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._high_water: Optional[str] = None
        self._started_at: Optional[datetime] = None
        self._ready_fired = False
        self._session_lost_from: Optional[str] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._executor: Optional[ThreadPoolExecutor] = None
        self._tasks: set[asyncio.Future[Any]] = set()
        self._waiters: dict[str, list[tuple[asyncio.Future[Any], Optional[Callable[..., bool]]]]] = defaultdict(list)
        self._ready = asyncio.Event()

    # ================================================================== handler registration

    def on(self, name: str) -> Callable[[F], F]:
        """Registers a handler by name: ``@bot.on("panel_message")`` (same names as the ``on_*`` decorators, and the
        gateway's own event types: ``panel_member_joined`` is ``member_joined``)."""
        key = _ALIASES.get(name, name)

        def register(fn: F) -> F:
            self._handlers[key].append(fn)
            return fn
        return register

    def event(self, fn: F) -> F:
        """discord.py style: ``@bot.event`` on ``def on_panel_message(ctx)`` registers by the function's name."""
        name = fn.__name__
        if not name.startswith("on_"):
            raise ValueError("@bot.event needs a function named on_<event>")
        return self.on(name[3:])(fn)

    def _decorator(self, name: str, fn: Optional[F]) -> Any:
        if fn is None:
            return self.on(name)
        return self.on(name)(fn)

    def on_ready(self, fn: Optional[F] = None) -> Any:
        """``handler(me: User)``: the first session is open and the panel/channel cache is filled. Called once per
        :meth:`run` (a later new session calls ``on_catch_up``, a resume ``on_resumed``)."""
        return self._decorator("ready", fn)

    def on_resumed(self, fn: Optional[F] = None) -> Any:
        """``handler()``: a reconnect resumed the session; every missed event was replayed, none twice."""
        return self._decorator("resumed", fn)

    def on_catch_up(self, fn: Optional[F] = None) -> Any:
        """``handler(info: CatchUp)``: the session could not be resumed; a new one started, the cache was rebuilt
        and missed messages were dispatched (see :class:`CatchUp`)."""
        return self._decorator("catch_up", fn)

    def on_disconnect(self, fn: Optional[F] = None) -> Any:
        """``handler(code: int, reason: str)``: the socket closed (the bot reconnects unless the token was revoked)."""
        return self._decorator("disconnect", fn)

    def on_error(self, fn: Optional[F] = None) -> Any:
        """``handler(event: str, error: Exception, args: tuple)``: a handler raised (default: logged)."""
        return self._decorator("error", fn)

    def on_command_error(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx, error)``: a command's arguments did not fit or its handler raised."""
        return self._decorator("command_error", fn)

    def on_message(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: a message in a DM or group (``message_new``)."""
        return self._decorator("message", fn)

    def on_panel_message(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: a message in a panel channel (``panel_message``); ``ctx.panel``/``ctx.channel`` cached."""
        return self._decorator("panel_message", fn)

    def on_mention(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: the bot was @-mentioned anywhere (``mention``)."""
        return self._decorator("mention", fn)

    def on_panel_mention(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: the bot was @-mentioned in a panel channel."""
        return self._decorator("panel_mention", fn)

    def on_message_edited(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: ``ctx.message`` holds ``id``, ``text``, ``edited_at``."""
        return self._decorator("message_edited", fn)

    def on_message_deleted(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: ``ctx.message_id``."""
        return self._decorator("message_deleted", fn)

    def on_reaction_added(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: ``ctx.message_id``, ``ctx.emoji``, ``ctx.user_id``."""
        return self._decorator("reaction_added", fn)

    def on_reaction_removed(self, fn: Optional[F] = None) -> Any:
        return self._decorator("reaction_removed", fn)

    def on_status_change(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: ``ctx.user_id``, ``ctx.status``."""
        return self._decorator("status_change", fn)

    def on_user_updated(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: ``ctx.user`` is the updated user."""
        return self._decorator("user_updated", fn)

    def on_avatar_updated(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: ``ctx.user_id``, ``ctx.payload["avatar_url"]``."""
        return self._decorator("avatar_updated", fn)

    def on_member_joined(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: someone else joined a panel (``ctx.panel_id``, ``ctx.user_id``). The bot's own joins
        go to ``on_panel_joined``."""
        return self._decorator("member_joined", fn)

    def on_member_left(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: someone else left (or was kicked or banned from) a panel."""
        return self._decorator("member_left", fn)

    def on_panel_joined(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: the bot joined a panel (invite, direct add or OAuth); the panel is cached already."""
        return self._decorator("panel_joined", fn)

    def on_panel_left(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: the bot left or was removed from a panel; ``ctx.panel`` is the last cached copy."""
        return self._decorator("panel_left", fn)

    def on_panel_banned(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: the bot was banned (``ctx.panel_id``, ``ctx.payload["panel_name"]``, ``ctx.reason``)."""
        return self._decorator("panel_banned", fn)

    def on_panel_updated(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: ``ctx.panel`` is the updated (cached) panel."""
        return self._decorator("panel_updated", fn)

    def on_panel_deleted(self, fn: Optional[F] = None) -> Any:
        return self._decorator("panel_deleted", fn)

    def on_channel_created(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: ``ctx.channel`` (``panel_channel_created``; also when the bot gains sight of one)."""
        return self._decorator("channel_created", fn)

    def on_channel_updated(self, fn: Optional[F] = None) -> Any:
        return self._decorator("channel_updated", fn)

    def on_channel_deleted(self, fn: Optional[F] = None) -> Any:
        """``handler(ctx)``: ``ctx.channel_id`` (also when the bot loses sight of a channel)."""
        return self._decorator("channel_deleted", fn)

    def on_raw_event(self, fn: Optional[F] = None) -> Any:
        """``handler(frame: dict)``: every gateway frame as received (``type``, ``payload``, ``seq``)."""
        return self._decorator("raw_event", fn)

    # gateway type names as aliases
    on_message_new = on_message
    on_panel_member_joined = on_member_joined
    on_panel_member_left = on_member_left
    on_panel_channel_created = on_channel_created
    on_panel_channel_updated = on_channel_updated
    on_panel_channel_deleted = on_channel_deleted

    def command(self, name: Union[str, Callable[..., Any], None] = None, *, aliases: Iterable[str] = (),
                description: str = "") -> Any:
        """Registers a prefix command: ``@bot.command("info")`` answers ``!info``; ``@bot.command()`` uses the
        function's name. The handler gets a context with ``ctx.command``, ``ctx.args`` and ``ctx.arg_text``, and
        its extra parameters are filled from the arguments (see :class:`~circul.commands.Command`)."""
        def register(fn: F) -> F:
            command_name = name if isinstance(name, str) else fn.__name__
            cmd = Command(command_name, fn, tuple(aliases), description or (inspect.getdoc(fn) or ""))
            for key in (command_name, *cmd.aliases):
                self._commands[key.lower() if self.case_insensitive else key] = cmd
            return fn
        if callable(name):
            return register(name)  # type: ignore[arg-type]
        return register

    @property
    def commands(self) -> list[Command]:
        return list(dict.fromkeys(self._commands.values()))

    # ================================================================== cache

    def get_panels(self) -> list[Panel]:
        """The panels the bot is in, from the cache (kept current from gateway events)."""
        return list(self._panels.values())

    def get_panel(self, panel_id: str) -> Optional[Panel]:
        return self._panels.get(panel_id)

    def get_channels(self, panel_id: str) -> list[Channel]:
        """A panel's channels the bot can view, from the cache, in the panel's category order."""
        # list() first: plain handlers read the cache from worker threads while the loop updates it
        channels = [c for c in list(self._channels.values()) if c.panel_id == panel_id]
        panel = self._panels.get(panel_id)
        order = {cid: i for i, cid in enumerate(panel.channel_ids)} if panel else {}
        return sorted(channels, key=lambda c: (order.get(c.id, len(order)), c.position, c.id))

    def get_channel(self, channel_id: str) -> Optional[Channel]:
        return self._channels.get(channel_id)

    @property
    def session_id(self) -> Optional[str]:
        return self.gateway.session_id

    # ================================================================== actions

    def send(self, room_id: str, text: str, *, panel_id: Optional[str] = None, mentions: Optional[list[str]] = None,
             bold: bool = False, italic: bool = False, reply_to_id: Optional[str] = None,
             idempotency_key: Optional[str] = None) -> Call[Message]:
        """Posts ``text`` in a room: a panel channel (cached, or with ``panel_id``) or a DM/group conversation."""
        kwargs: dict[str, Any] = dict(mentions=mentions, bold=bold, italic=italic, reply_to_id=reply_to_id,
                                      idempotency_key=idempotency_key)
        channel_panel = self._channel_panel(room_id) or (panel_id if panel_id and not room_id.startswith("c-")
                                                         else None)
        if channel_panel is not None:
            return self.rest.send_channel_message(channel_panel, room_id, text, **kwargs)
        if room_id.startswith("ch-"):
            raise ValueError(f"unknown channel {room_id}: pass panel_id=")
        return self.rest.send_message(room_id, text, **kwargs)

    def send_dm(self, user_id: str, text: str, **kwargs: Any) -> Call[Message]:
        """Opens the DM with ``user_id`` (if needed) and sends ``text``."""
        return self.rest.send_dm(user_id, text, **kwargs)

    def set_status(self, status: str, *, mood: Optional[str] = None) -> Call[User]:
        """``PATCH /api/bot/me``: ``online``, ``away``, ``busy`` or ``offline`` (appear offline), and optionally a
        mood. Set ``away``/``busy`` while working on a long task."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        return self._then(self.rest.update_bot(status=status, mood=mood), self._set_user)

    def set_mood(self, mood: str) -> Call[User]:
        return self._then(self.rest.update_bot(mood=mood), self._set_user)

    def fetch_panels(self) -> Call[list[Panel]]:
        """``GET /api/panels`` (REST; :meth:`get_panels` reads the cache)."""
        return self.rest.get_panels()

    def fetch_channels(self, panel_id: str) -> Call[list[Channel]]:
        return self.rest.get_channels(panel_id)

    # ================================================================== running

    def run(self) -> None:
        """Connects and dispatches events until :meth:`close` (or Ctrl+C). Raises
        :class:`~circul.errors.TokenRevoked` when the token is reset (gateway close 4001) and
        :class:`~circul.errors.Unauthorized` for an invalid token."""
        try:
            asyncio.run(self.start())
        except KeyboardInterrupt:
            log.info("interrupted")

    async def start(self) -> None:
        """The async form of :meth:`run`."""
        self._loop = asyncio.get_running_loop()
        self._executor = ThreadPoolExecutor(max_workers=self.handler_threads, thread_name_prefix="circul-handler")
        try:
            await self.gateway.run()
        finally:
            pending = [t for t in self._tasks if not t.done()]
            if pending:
                await asyncio.wait(pending, timeout=5)
            self._executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> Any:
        """Stops the bot. In async code ``await bot.close()``; from a plain handler just ``bot.close()``."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not None:
            return self.gateway.close()
        if self._loop is not None and self._loop.is_running():
            asyncio.run_coroutine_threadsafe(self.gateway.close(), self._loop)
        return None

    async def wait_until_ready(self) -> None:
        await self._ready.wait()

    async def wait_idle(self, timeout: Optional[float] = None) -> None:
        """Waits until no handler is running (e.g. before shutting down, or in tests)."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            pending = [t for t in self._tasks if not t.done()]
            if not pending:
                return
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                raise asyncio.TimeoutError(f"{len(pending)} handlers still running")
            await asyncio.wait(pending, timeout=remaining)

    async def wait_for(self, name: str, *, check: Optional[Callable[..., bool]] = None,
                       timeout: Optional[float] = None) -> Any:
        """Waits for the next ``name`` event (handler names: ``panel_message``, ``member_joined``...) for which
        ``check(*args)`` is true; returns its argument (a tuple when there are several)."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        entry = (future, check)
        self._waiters[_ALIASES.get(name, name)].append(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            waiters = self._waiters[_ALIASES.get(name, name)]
            if entry in waiters:
                waiters.remove(entry)

    # ================================================================== frames

    async def _on_frame(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        payload = frame.get("payload")
        seq = frame.get("seq")
        if isinstance(seq, int) and kind not in ("ready", "resumed") and self.gateway.last_seq is not None \
                and seq <= self.gateway.last_seq:
            log.debug("skipping %s seq %d: already handled", kind, seq)
            return
        self._emit("raw_event", frame)
        try:
            if kind == "ready":
                await self._handle_ready(payload if isinstance(payload, dict) else {}, seq)
            elif kind == "resumed":
                self.gateway.resumed()
                log.info("session %s resumed", self.gateway.session_id)
                self._emit("resumed")
            elif kind == "invalid_session":
                log.info("session %s could not be resumed: starting a new one", self.gateway.session_id)
                self._session_lost_from = self.gateway.session_id
                self.gateway.forget_session()
            elif kind in ("pong", None):
                pass
            elif isinstance(payload, dict):
                await self._handle_event(kind, payload)
        except Exception:  # noqa: BLE001 - one bad event must not end the connection
            log.exception("failed to process a %s event", kind)
        if isinstance(seq, int) and kind != "ready":
            self.gateway.last_seq = seq

    async def _handle_ready(self, payload: dict[str, Any], seq: Optional[int]) -> None:
        previous = self._session_lost_from or self.gateway.session_id
        self.user = User.from_dict(payload["user"])
        session_id = str(payload.get("session_id"))
        self.gateway.session_established(session_id, seq if isinstance(seq, int) else 1)
        self._session_lost_from = None
        await self._fill_cache()
        if self._started_at is None:
            # The server's clock just after the first session began: the catch-up's starting point while the bot has
            # seen no message yet. The Date header has whole seconds and servers refresh it once a second, so messages
            # two seconds after it cannot predate this session.
            self._started_at = getattr(self.rest, "last_server_time", None)
        if not self._ready_fired:
            self._ready_fired = True
            log.info("ready as %s (%s), %d panels", self.user.name, self.user.id, len(self._panels))
            self._ready.set()
            self._emit("ready", self.user)
            return
        missed = await self._catch_up() if self.catch_up else []
        log.info("new session %s after %s: %d missed messages caught up", session_id, previous, len(missed))
        self._emit("catch_up", CatchUp(previous, session_id, missed))

    async def _fill_cache(self) -> None:
        for attempt in range(5):
            try:
                panels = await self.rest.get_panels()
                semaphore = asyncio.Semaphore(4)

                async def channels_of(panel: Panel) -> list[Channel]:
                    async with semaphore:
                        try:
                            return await self.rest.get_channels(panel.id)
                        except HTTPException as error:
                            if error.status in (403, 404):
                                return []  # left or removed meanwhile
                            raise
                lists = await asyncio.gather(*(channels_of(p) for p in panels))
                conversations = await self.rest.get_conversations()
            except (HTTPException, ConnectionFailed) as error:
                log.warning("could not fill the cache (%s); attempt %d of 5", error, attempt + 1)
                await asyncio.sleep(0.5 * 2 ** attempt)
                continue
            self._replace_cache(panels, [c for group in lists for c in group], conversations)
            return
        log.error("the panel/channel cache could not be filled; it will follow gateway events only")

    def _replace_cache(self, panels: list[Panel], channels: list[Channel], conversations: list[Conversation]) -> None:
        fresh_panels = {p.id: p for p in panels}
        for pid in list(self._panels):
            if pid not in fresh_panels:
                del self._panels[pid]
        for panel in panels:
            self._merge_panel(panel)
        fresh_channels = {c.id for c in channels}
        for cid in list(self._channels):
            if cid not in fresh_channels:
                del self._channels[cid]
        for channel in channels:
            self._merge_channel(channel)
        self._conversations = {c.id: c for c in conversations}
        self._conversation_kinds.update({c.id: c.kind for c in conversations})

    def _merge_panel(self, panel: Panel) -> Panel:
        existing = self._panels.get(panel.id)
        if existing is None:
            self._panels[panel.id] = panel
            return panel
        existing.__dict__.update(panel.__dict__)  # keep the object users hold current
        return existing

    def _merge_channel(self, channel: Channel) -> Channel:
        existing = self._channels.get(channel.id)
        if existing is None:
            self._channels[channel.id] = channel
            return channel
        existing.__dict__.update(channel.__dict__)
        return existing

    def _drop_panel(self, panel_id: str) -> Optional[Panel]:
        panel = self._panels.pop(panel_id, None)
        for cid in [c.id for c in self._channels.values() if c.panel_id == panel_id]:
            del self._channels[cid]
        return panel

    def _channel_panel(self, channel_id: str) -> Optional[str]:
        channel = self._channels.get(channel_id)
        return channel.panel_id if channel else None

    # ================================================================== events

    async def _handle_event(self, kind: str, payload: dict[str, Any]) -> None:
        me = self.user.id if self.user else None
        if kind in ("panel_message", "message_new"):
            message = Message.from_dict(payload["message"])
            if kind == "message_new":
                await self._learn_conversation(message.conv_id or payload.get("conv_id", ""))
            self._dispatch_message(message, kind, payload)
        elif kind == "mention":
            message = Message.from_dict(payload["message"])
            self._dispatch_mention(message, payload)
        elif kind in ("message_edited", "message_deleted", "reaction_added", "reaction_removed"):
            edited = payload.get("message") if kind == "message_edited" else None
            message = None
            if isinstance(edited, dict) and "id" in edited:
                message = Message.from_dict({**edited, "conv_id": payload.get("conv_id"),
                                             "panel_id": payload.get("panel_id"),
                                             "channel_id": payload.get("channel_id")})
            ctx = Context(self, kind, payload, message=message, conv_id=payload.get("conv_id"),
                          panel_id=payload.get("panel_id"), channel_id=payload.get("channel_id"),
                          user_id=payload.get("user_id"), message_id=payload.get("message_id"))
            self._emit(_SIMPLE_EVENTS[kind], ctx)
        elif kind in ("status_change", "user_updated", "avatar_updated"):
            user_id = payload.get("user_id") or payload.get("id")
            if self.user is not None and user_id == me:
                if kind == "status_change":
                    self.user.status = payload.get("status", self.user.status)
                elif kind == "avatar_updated":
                    self.user.avatar_url = payload.get("avatar_url", self.user.avatar_url)
                else:
                    self._set_user(User.from_dict(payload))
            self._emit(_SIMPLE_EVENTS[kind], Context(self, kind, payload, user_id=user_id))
        elif kind == "panel_member_joined":
            await self._member_joined(payload, me)
        elif kind == "panel_member_left":
            self._member_left(payload, me)
        elif kind == "panel_banned":
            panel = self._drop_panel(payload.get("panel_id", ""))
            self._emit("panel_banned", Context(self, kind, payload, panel_id=payload.get("panel_id"), user_id=me,
                                               panel=panel))
        elif kind == "panel_updated":
            panel = self._merge_panel(Panel.from_dict(payload))
            self._emit("panel_updated", Context(self, kind, payload, panel_id=panel.id))
        elif kind in ("panel_channel_created", "panel_channel_updated"):
            channel = self._merge_channel(Channel.from_dict(payload))
            panel = self._panels.get(channel.panel_id)
            if panel is not None and channel.id not in panel.channel_ids:
                target = next((c for c in panel.categories if c.id == channel.category_id), None)
                if target is not None:
                    target.channel_ids.append(channel.id)
            name = "channel_created" if kind == "panel_channel_created" else "channel_updated"
            self._emit(name, Context(self, kind, payload, panel_id=channel.panel_id, channel_id=channel.id))
        elif kind == "panel_channel_deleted":
            channel_id = payload.get("channel_id", "")
            removed = self._channels.pop(channel_id, None)
            panel = self._panels.get(payload.get("panel_id", ""))
            if panel is not None:
                for category in panel.categories:
                    if channel_id in category.channel_ids:
                        category.channel_ids.remove(channel_id)
            self._emit("channel_deleted", Context(self, kind, payload, panel_id=payload.get("panel_id"),
                                                  channel_id=channel_id, channel=removed))
        elif kind == "panel_deleted":
            panel = self._drop_panel(payload.get("panel_id", ""))
            self._emit("panel_deleted", Context(self, kind, payload, panel_id=payload.get("panel_id"), panel=panel))
        else:
            log.debug("unhandled gateway event %s", kind)

    async def _member_joined(self, payload: dict[str, Any], me: Optional[str]) -> None:
        panel_id = payload.get("panel_id", "")
        user_id = payload.get("user_id", "")
        if user_id == me:
            try:
                panel = await self.rest.get_panel(panel_id)
                channels = await self.rest.get_channels(panel_id)
            except (HTTPException, ConnectionFailed) as error:
                log.warning("joined panel %s but could not load it: %s", panel_id, error)
            else:
                self._merge_panel(panel)
                for channel in channels:
                    self._merge_channel(channel)
            self._emit("panel_joined", Context(self, "panel_member_joined", payload, panel_id=panel_id,
                                               user_id=user_id))
            return
        panel = self._panels.get(panel_id)
        if panel is not None and user_id not in panel.member_ids:
            panel.member_ids.append(user_id)
            panel.member_count += 1
        self._emit("member_joined", Context(self, "panel_member_joined", payload, panel_id=panel_id, user_id=user_id))

    def _member_left(self, payload: dict[str, Any], me: Optional[str]) -> None:
        panel_id = payload.get("panel_id", "")
        user_id = payload.get("user_id", "")
        if user_id == me:
            panel = self._drop_panel(panel_id)
            self._emit("panel_left", Context(self, "panel_member_left", payload, panel_id=panel_id, user_id=user_id,
                                             panel=panel))
            return
        panel = self._panels.get(panel_id)
        if panel is not None and user_id in panel.member_ids:
            panel.member_ids.remove(user_id)
            panel.member_count = max(0, panel.member_count - 1)
            panel.member_roles.pop(user_id, None)
        self._emit("member_left", Context(self, "panel_member_left", payload, panel_id=panel_id, user_id=user_id))

    async def _learn_conversation(self, conv_id: str) -> None:
        if not conv_id or conv_id in self._conversation_kinds:
            return
        try:
            conversation = await self.rest.get_conversation(conv_id)
        except (HTTPException, ConnectionFailed) as error:
            log.debug("could not load conversation %s: %s", conv_id, error)
            return
        self._conversations[conv_id] = conversation
        self._conversation_kinds[conv_id] = conversation.kind

    def _skip(self, message: Message) -> bool:
        me = self.user.id if self.user else None
        if self.ignore_self and message.sender_id == me:
            return True
        return self.ignore_bots and message.sender.is_bot

    def _first(self, key: tuple[str, str]) -> bool:
        """Whether ``key`` is seen for the first time (bounded memory of what was dispatched)."""
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > 20000:
            self._seen.popitem(last=False)
        return True

    def _note(self, message: Message) -> None:
        if self._high_water is None or message.id > self._high_water:
            self._high_water = message.id

    def _dispatch_message(self, message: Message, kind: str, payload: Any, *, catch_up: bool = False) -> None:
        self._note(message)
        if not self._first(("message", message.id)) or self._skip(message):
            return
        ctx = Context(self, kind, payload, message=message, catch_up=catch_up)
        self._emit("panel_message" if message.panel_id else "message", ctx)
        if not message.is_system and self._commands:
            self._dispatch_command(message, kind, payload, catch_up)

    def _dispatch_mention(self, message: Message, payload: Any, *, catch_up: bool = False) -> None:
        self._note(message)
        if not self._first(("mention", message.id)) or self._skip(message):
            return
        panel_id = payload.get("panel_id") if isinstance(payload, dict) else message.panel_id
        ctx = Context(self, "mention", payload, message=message, panel_id=panel_id or message.panel_id,
                      catch_up=catch_up)
        self._emit("mention", ctx)
        if ctx.panel_id:
            self._emit("panel_mention", ctx)

    def _dispatch_command(self, message: Message, kind: str, payload: Any, catch_up: bool) -> None:
        parsed = parse_command(message.text, self.prefixes, case_insensitive=self.case_insensitive)
        if parsed is None:
            return
        prefix, name, arg_text, args = parsed
        command = self._commands.get(name)
        if command is None:
            return
        ctx = Context(self, kind, payload, message=message, catch_up=catch_up)
        ctx.command, ctx.prefix, ctx.args, ctx.arg_text = command.name, prefix, args, arg_text
        try:
            extra, _ = command.bind(args)
        except CommandError as error:
            self._command_failed(ctx, error)
            return
        self._spawn(command.callback, (ctx, *extra), f"command {command.name}", ctx)

    async def _catch_up(self) -> list[Message]:
        mark = self._high_water
        since: Optional[datetime] = None
        if mark is None:
            # Nothing seen since the start: the rooms' newest messages, those posted after the first session began.
            if self._started_at is None:
                return []
            since = self._started_at + timedelta(seconds=2)
        fetchers: list[Callable[[Optional[str]], Awaitable[list[Message]]]] = []
        for channel in list(self._channels.values()):
            fetchers.append(functools.partial(self._page_channel, channel.panel_id, channel.id))
        for conversation in list(self._conversations.values()):
            if conversation.last_message_id and (mark is None or conversation.last_message_id > mark):
                fetchers.append(functools.partial(self._page_conversation, conversation.id))
        missed: list[Message] = []
        for fetch in fetchers:
            cursor: Optional[str] = mark
            fetched = 0
            while fetched < self.catch_up_limit:
                try:
                    page = await fetch(cursor)
                except (HTTPException, ConnectionFailed) as error:
                    log.warning("catch-up: could not read a room (%s)", error)
                    break
                if not page:
                    break
                page.sort(key=lambda m: m.id)
                missed.extend(page)
                fetched += len(page)
                cursor = page[-1].id
                if len(page) < 100:
                    break
        if since is not None:
            missed = [m for m in missed if _created(m) >= since]
        missed.sort(key=lambda m: m.id)
        me = self.user.id if self.user else None
        for message in missed:
            if message.panel_id is None:
                await self._learn_conversation(message.conv_id)
            kind = "panel_message" if message.panel_id else "message_new"
            payload = {"conv_id": message.conv_id, "panel_id": message.panel_id, "channel_id": message.channel_id,
                       "message": message.raw}
            self._dispatch_message(message, kind, payload, catch_up=True)
            if me is not None and me in message.mentions:
                self._dispatch_mention(message, {"message": message.raw, "conv_id": message.conv_id,
                                                 "panel_id": message.panel_id, "sender_id": message.sender_id},
                                       catch_up=True)
        return missed

    async def _page_channel(self, panel_id: str, channel_id: str, after: Optional[str]) -> list[Message]:
        return await self.rest.get_channel_messages(panel_id, channel_id, after=after, limit=100)

    async def _page_conversation(self, conv_id: str, after: Optional[str]) -> list[Message]:
        return await self.rest.get_messages(conv_id, after=after, limit=100)

    async def _on_disconnect(self, code: int, reason: str) -> None:
        self._emit("disconnect", code, reason)

    # ================================================================== dispatch

    def _emit(self, name: str, *args: Any) -> None:
        for fn in list(self._handlers.get(name, ())):
            self._spawn(fn, args, name, None)
        waiters = self._waiters.get(name)
        if waiters:
            for future, check in list(waiters):
                if future.done():
                    continue
                try:
                    if check is None or check(*args):
                        future.set_result(args[0] if len(args) == 1 else args)
                        waiters.remove((future, check))
                except Exception as error:  # noqa: BLE001
                    future.set_exception(error)

    def _spawn(self, fn: Callable[..., Any], args: tuple[Any, ...], name: str, command_ctx: Optional[Context]) -> None:
        loop = self._loop or asyncio.get_running_loop()
        if inspect.iscoroutinefunction(fn):
            awaitable: Awaitable[Any] = fn(*args)
        else:
            awaitable = loop.run_in_executor(self._executor, functools.partial(fn, *args))
        task = asyncio.ensure_future(self._guard(awaitable, fn, args, name, command_ctx))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guard(self, awaitable: Awaitable[Any], fn: Callable[..., Any], args: tuple[Any, ...], name: str,
                     command_ctx: Optional[Context]) -> None:
        try:
            result = await awaitable
            if inspect.isawaitable(result):
                await result
        except Exception as error:  # noqa: BLE001 - handler errors are reported, never fatal
            if command_ctx is not None:
                self._command_failed(command_ctx, error)
            elif name in ("error", "command_error"):
                log.exception("the %s handler %s failed", name, getattr(fn, "__name__", fn))
            elif self._handlers.get("error"):
                self._emit("error", name, error, args)
            else:
                log.exception("handler %s for %s failed", getattr(fn, "__name__", fn), name)

    def _command_failed(self, ctx: Context, error: Exception) -> None:
        if self._handlers.get("command_error"):
            self._emit("command_error", ctx, error)
        else:
            log.error("command %s failed: %s", ctx.command, error, exc_info=not isinstance(error, CommandError))

    # ================================================================== helpers

    def _set_user(self, user: User) -> User:
        if self.user is None:
            self.user = user
        else:
            self.user.__dict__.update(user.__dict__)
        return self.user

    @staticmethod
    def _then(call: Any, fn: Callable[[Any], R]) -> Any:
        if inspect.isawaitable(call):
            async def chained() -> R:
                return fn(await call)
            return chained()
        return fn(call)


def _created(message: Message) -> datetime:
    """A message's ``created_at``; one that does not parse counts as old."""
    try:
        created = datetime.fromisoformat(message.created_at.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return created if created.tzinfo is not None else created.replace(tzinfo=timezone.utc)


_ALIASES = {
    "message_new": "message",
    "panel_member_joined": "member_joined",
    "panel_member_left": "member_left",
    "panel_channel_created": "channel_created",
    "panel_channel_updated": "channel_updated",
    "panel_channel_deleted": "channel_deleted",
}
