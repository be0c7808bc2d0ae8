"""The REST client (API.md sections 3 to 6) over ``urllib.request``.

Every endpoint method works in both worlds: called from synchronous code (a plain ``def`` handler, a script) it
blocks and returns the result; called where an asyncio event loop is running (an ``async def`` handler) it returns an
awaitable, so ``await bot.rest.me()``. The blocking HTTP call then runs in a worker thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import json
import logging
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Awaitable, Callable, Mapping, Optional, TypeVar, Union

from . import __version__
from .errors import ConnectionFailed, HTTPException, RateLimited, ServerError, http_exception_for
from .models import Ban, Category, Channel, Conversation, Invite, Member, Message, Panel, Role, User

log = logging.getLogger("circul.rest")

T = TypeVar("T")

#: What an endpoint method returns: the value itself in synchronous code, an awaitable of it where an event loop
#: is running (``async def`` code).
Call = Union[T, Awaitable[T]]

_UNSET: Any = object()
_RETRYABLE_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})


def _q(segment: str) -> str:
    return urllib.parse.quote(str(segment), safe="")


@dataclass
class _Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        if not self.body:
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None


class RestClient:
    """REST client for one bot (``Authorization: Bot <token>``) or one human session (``auth_scheme="Bearer"``).

    ``retry_rate_limits``: a 429 is waited out (its ``retry_after``) and the request sent again, up to
    ``max_retries`` times and only when the wait is at most ``max_rate_limit_wait`` seconds; otherwise
    :class:`~circul.errors.RateLimited` is raised. Message sends carry an ``Idempotency-Key`` so that a retry after a
    lost answer never posts twice.
    """

    def __init__(self, server: str, token: str, *, auth_scheme: str = "Bot", timeout: float = 30.0,
                 retry_rate_limits: bool = True, max_retries: int = 5, max_rate_limit_wait: float = 60.0) -> None:
        if not server.startswith(("http://", "https://")):
            server = "https://" + server
        self.server = server.rstrip("/")
        self.token = token
        self.auth_scheme = auth_scheme
        self.timeout = timeout
        self.retry_rate_limits = retry_rate_limits
        self.max_retries = max_retries
        self.max_rate_limit_wait = max_rate_limit_wait
        self.rate_limit_hits = 0
        """How many 429 answers this client has seen (retried or raised)."""
        self.requests_sent = 0
        """How many HTTP requests this client has sent (retries included)."""
        self.last_server_time: Optional[datetime] = None
        """The server's clock (its ``Date`` header, whole seconds) at the latest answer."""

    # ------------------------------------------------------------------ core

    def request(self, method: str, path: str, *, json_body: Any = None, query: Optional[Mapping[str, Any]] = None,
                headers: Optional[Mapping[str, str]] = None, parse: Optional[Callable[[Any], T]] = None) -> Call[Any]:
        """Sends one request; returns the decoded JSON (through ``parse`` when given), ``None`` for 204."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self.request_sync(method, path, json_body=json_body, query=query, headers=headers, parse=parse)
        return self.request_async(method, path, json_body=json_body, query=query, headers=headers, parse=parse)

    def request_sync(self, method: str, path: str, *, json_body: Any = None,
                     query: Optional[Mapping[str, Any]] = None, headers: Optional[Mapping[str, str]] = None,
                     parse: Optional[Callable[[Any], T]] = None) -> Any:
        attempt = 0
        while True:
            try:
                response = self._send_once(method, path, json_body, query, headers)
            except ConnectionFailed:
                delay = self._connection_retry_delay(method, headers, attempt)
                if delay is None:
                    raise
            else:
                outcome = self._outcome(method, path, headers, response, attempt)
                if not isinstance(outcome, _Retry):
                    return parse(outcome) if parse is not None and outcome is not None else outcome
                delay = outcome.delay
            attempt += 1
            time.sleep(delay)

    async def request_async(self, method: str, path: str, *, json_body: Any = None,
                            query: Optional[Mapping[str, Any]] = None, headers: Optional[Mapping[str, str]] = None,
                            parse: Optional[Callable[[Any], T]] = None) -> Any:
        attempt = 0
        while True:
            try:
                response = await asyncio.to_thread(self._send_once, method, path, json_body, query, headers)
            except ConnectionFailed:
                delay = self._connection_retry_delay(method, headers, attempt)
                if delay is None:
                    raise
            else:
                outcome = self._outcome(method, path, headers, response, attempt)
                if not isinstance(outcome, _Retry):
                    return parse(outcome) if parse is not None and outcome is not None else outcome
                delay = outcome.delay
            attempt += 1
            await asyncio.sleep(delay)

    def _send_once(self, method: str, path: str, json_body: Any, query: Optional[Mapping[str, Any]],
                   headers: Optional[Mapping[str, str]]) -> _Response:
        self.requests_sent += 1
        url = self.server + path
        if query:
            pairs = {k: v for k, v in query.items() if v is not None}
            if pairs:
                url += "?" + urllib.parse.urlencode(pairs)
        data = None if json_body is None else json.dumps(json_body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"{self.auth_scheme} {self.token}")
        request.add_header("User-Agent", f"circul-python/{__version__}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                response = _Response(answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read())
        except urllib.error.HTTPError as error:
            with error:
                body = error.read()
            response = _Response(error.code, {k.lower(): v for k, v in error.headers.items()}, body)
        except (urllib.error.URLError, OSError) as error:
            raise ConnectionFailed(f"{method} {url.split('?')[0]}: {getattr(error, 'reason', error)}") from error
        self._note_server_time(response.headers.get("date"))
        return response

    def _note_server_time(self, date: Optional[str]) -> None:
        try:
            parsed = email.utils.parsedate_to_datetime(date) if date else None
        except (TypeError, ValueError):
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            self.last_server_time = parsed

    def _outcome(self, method: str, path: str, headers: Optional[Mapping[str, str]], response: _Response,
                 attempt: int) -> Any:
        if 200 <= response.status < 300:
            return response.json() if response.status != 204 else None
        body = response.json()
        error = body.get("error") if isinstance(body, dict) and isinstance(body.get("error"), str) else None
        error = error or f"HTTP {response.status}"
        retry_after = _retry_after(body, response.headers)
        if response.status == 429:
            self.rate_limit_hits += 1
            is_global = bool(body.get("global")) if isinstance(body, dict) else False
            if self.retry_rate_limits and attempt < self.max_retries and retry_after <= self.max_rate_limit_wait:
                log.warning("rate limited on %s %s (global=%s): retrying in %.2fs", method, path, is_global,
                            retry_after)
                return _Retry(retry_after)
            raise RateLimited(429, error, retry_after=retry_after, is_global=is_global, body=body, method=method,
                              path=path)
        if response.status in (502, 503, 504) and self._may_repeat(method, headers) and attempt < self.max_retries:
            delay = retry_after if retry_after > 0 else min(0.5 * 2 ** attempt, 8.0)
            log.warning("%s %s answered %d (%s): retrying in %.2fs", method, path, response.status, error, delay)
            return _Retry(delay)
        raise http_exception_for(response.status, error, body=body, method=method, path=path,
                                 retry_after=retry_after)

    def _may_repeat(self, method: str, headers: Optional[Mapping[str, str]]) -> bool:
        return method in _RETRYABLE_METHODS or any(k.lower() == "idempotency-key" for k in (headers or {}))

    def _connection_retry_delay(self, method: str, headers: Optional[Mapping[str, str]], attempt: int) -> Optional[float]:
        if not self._may_repeat(method, headers) or attempt >= min(self.max_retries, 3):
            return None
        return min(0.25 * 2 ** attempt, 4.0) * (0.5 + random.random())

    # ------------------------------------------------------------------ users, presence, profile (section 3)

    def me(self) -> Call[User]:
        """``GET /api/me``: the caller's user object."""
        return self.request("GET", "/api/me", parse=User.from_dict)

    def update_bot(self, *, status: Optional[str] = None, mood: Optional[str] = None) -> Call[User]:
        """``PATCH /api/bot/me``: status (``online``/``away``/``busy``/``offline``) and/or mood; only given fields change."""
        body: dict[str, Any] = {}
        if status is not None:
            body["status"] = status
        if mood is not None:
            body["mood"] = mood
        return self.request("PATCH", "/api/bot/me", json_body=body, parse=User.from_dict)

    def update_me(self, *, name: Optional[str] = None, bio: Optional[str] = None, mood: Optional[str] = None,
                  status: Optional[str] = None) -> Call[User]:
        """``PATCH /api/me``: display name, bio, mood, status."""
        body = {k: v for k, v in (("name", name), ("bio", bio), ("mood", mood), ("status", status)) if v is not None}
        return self.request("PATCH", "/api/me", json_body=body, parse=User.from_dict)

    def set_avatar(self, data: bytes, mime: str = "image/png") -> Call[User]:
        """``POST /api/me/avatar``: uploads an image (png, jpeg, gif or webp; at most 2 MiB)."""
        body = {"data": base64.b64encode(data).decode("ascii"), "mime": mime}
        return self.request("POST", "/api/me/avatar", json_body=body, parse=User.from_dict)

    def delete_avatar(self) -> Call[None]:
        return self.request("DELETE", "/api/me/avatar")

    def set_banner(self, data: bytes, mime: str = "image/png") -> Call[User]:
        """``POST /api/me/banner``: same rules as the avatar."""
        body = {"data": base64.b64encode(data).decode("ascii"), "mime": mime}
        return self.request("POST", "/api/me/banner", json_body=body, parse=User.from_dict)

    def delete_banner(self) -> Call[None]:
        return self.request("DELETE", "/api/me/banner")

    def get_user(self, user_id: str) -> Call[User]:
        return self.request("GET", f"/api/users/{_q(user_id)}", parse=User.from_dict)

    def get_contacts(self) -> Call[list[User]]:
        """``GET /api/contacts``: every user visible to the caller (filter ``is_bot`` yourself)."""
        return self.request("GET", "/api/contacts", parse=lambda d: [User.from_dict(u) for u in d])

    # ------------------------------------------------------------------ DMs and groups (section 4)

    def get_conversations(self) -> Call[list[Conversation]]:
        return self.request("GET", "/api/conversations", parse=lambda d: [Conversation.from_dict(c) for c in d])

    def open_dm(self, peer_id: str) -> Call[Conversation]:
        """``POST /api/conversations {peer_id}``: opens (or returns the existing) DM."""
        return self.request("POST", "/api/conversations", json_body={"peer_id": peer_id},
                            parse=Conversation.from_dict)

    def get_conversation(self, conv_id: str) -> Call[Conversation]:
        return self.request("GET", f"/api/conversations/{_q(conv_id)}", parse=Conversation.from_dict)

    def get_messages(self, conv_id: str, *, limit: Optional[int] = None, before: Optional[str] = None,
                     after: Optional[str] = None) -> Call[list[Message]]:
        """Messages of a DM or group, newest first."""
        return self.request("GET", f"/api/conversations/{_q(conv_id)}/messages",
                            query={"limit": limit, "before": before, "after": after}, parse=_messages)

    def send_message(self, conv_id: str, text: str, *, bold: bool = False, italic: bool = False,
                     mentions: Optional[list[str]] = None, reply_to_id: Optional[str] = None,
                     idempotency_key: Optional[str] = None) -> Call[Message]:
        """Sends to a DM or group (``POST /api/conversations/{id}/messages``)."""
        return self._send(f"/api/conversations/{_q(conv_id)}/messages", text, bold, italic, mentions, reply_to_id,
                          idempotency_key)

    def send_dm(self, user_id: str, text: str, **kwargs: Any) -> Call[Message]:
        """Opens the DM with ``user_id`` and sends ``text`` to it."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            conv = self.request_sync("POST", "/api/conversations", json_body={"peer_id": user_id},
                                     parse=Conversation.from_dict)
            return self.request_sync("POST", f"/api/conversations/{_q(conv.id)}/messages",
                                     json_body=_draft(text, **_draft_kwargs(kwargs)),
                                     headers=_idem(kwargs.get("idempotency_key")), parse=Message.from_dict)

        async def both() -> Message:
            conv = await self.request_async("POST", "/api/conversations", json_body={"peer_id": user_id},
                                            parse=Conversation.from_dict)
            return await self.request_async("POST", f"/api/conversations/{_q(conv.id)}/messages",
                                            json_body=_draft(text, **_draft_kwargs(kwargs)),
                                            headers=_idem(kwargs.get("idempotency_key")), parse=Message.from_dict)
        return both()

    def create_group(self, name: str, member_ids: list[str]) -> Call[Conversation]:
        return self.request("POST", "/api/groups", json_body={"name": name, "member_ids": member_ids},
                            parse=Conversation.from_dict)

    def get_group(self, group_id: str) -> Call[Conversation]:
        return self.request("GET", f"/api/groups/{_q(group_id)}", parse=Conversation.from_dict)

    def add_group_member(self, group_id: str, user_id: str) -> Call[Any]:
        return self.request("POST", f"/api/groups/{_q(group_id)}/members", json_body={"user_id": user_id})

    def remove_group_member(self, group_id: str, user_id: str) -> Call[None]:
        return self.request("DELETE", f"/api/groups/{_q(group_id)}/members/{_q(user_id)}")

    def get_group_messages(self, group_id: str, *, limit: Optional[int] = None, before: Optional[str] = None,
                           after: Optional[str] = None) -> Call[list[Message]]:
        return self.request("GET", f"/api/groups/{_q(group_id)}/messages",
                            query={"limit": limit, "before": before, "after": after}, parse=_messages)

    def send_group_message(self, group_id: str, text: str, *, bold: bool = False, italic: bool = False,
                           mentions: Optional[list[str]] = None, reply_to_id: Optional[str] = None,
                           idempotency_key: Optional[str] = None) -> Call[Message]:
        return self._send(f"/api/groups/{_q(group_id)}/messages", text, bold, italic, mentions, reply_to_id,
                          idempotency_key)

    # ------------------------------------------------------------------ messages (section 5)

    def edit_message(self, message_id: str, text: str) -> Call[Message]:
        """``PATCH /api/messages/{id}``: only your own messages."""
        return self.request("PATCH", f"/api/messages/{_q(message_id)}", json_body={"text": text},
                            parse=Message.from_dict)

    def delete_message(self, message_id: str) -> Call[None]:
        return self.request("DELETE", f"/api/messages/{_q(message_id)}")

    def add_reaction(self, message_id: str, emoji: str) -> Call[None]:
        return self.request("POST", f"/api/messages/{_q(message_id)}/reactions", json_body={"emoji": emoji})

    def remove_reaction(self, message_id: str, emoji: str) -> Call[None]:
        return self.request("DELETE", f"/api/messages/{_q(message_id)}/reactions/{_q(emoji)}")

    # ------------------------------------------------------------------ panels (section 6)

    def get_panels(self) -> Call[list[Panel]]:
        """``GET /api/panels``: the panels the caller is in (a REST call; ``Bot.get_panels`` reads the cache)."""
        return self.request("GET", "/api/panels", parse=lambda d: [Panel.from_dict(p) for p in d])

    def get_panel(self, panel_id: str) -> Call[Panel]:
        return self.request("GET", f"/api/panels/{_q(panel_id)}", parse=Panel.from_dict)

    def create_panel(self, name: str) -> Call[Panel]:
        """``POST /api/panels`` (humans only: bots get 403)."""
        return self.request("POST", "/api/panels", json_body={"name": name}, parse=Panel.from_dict)

    def update_panel(self, panel_id: str, *, name: Optional[str] = None,
                     everyone_permissions: Optional[list[str]] = None) -> Call[Panel]:
        body = {k: v for k, v in (("name", name), ("everyone_permissions", everyone_permissions)) if v is not None}
        return self.request("PATCH", f"/api/panels/{_q(panel_id)}", json_body=body, parse=Panel.from_dict)

    def delete_panel(self, panel_id: str) -> Call[None]:
        return self.request("DELETE", f"/api/panels/{_q(panel_id)}")

    def get_channels(self, panel_id: str) -> Call[list[Channel]]:
        """``GET /api/panels/{id}/channels``: the channels the caller can view."""
        return self.request("GET", f"/api/panels/{_q(panel_id)}/channels",
                            parse=lambda d: [Channel.from_dict(c) for c in d])

    def create_channel(self, panel_id: str, name: str, *, category_id: Optional[str] = None,
                       topic: Optional[str] = None) -> Call[Channel]:
        body = {k: v for k, v in (("name", name), ("category_id", category_id), ("topic", topic)) if v is not None}
        return self.request("POST", f"/api/panels/{_q(panel_id)}/channels", json_body=body, parse=Channel.from_dict)

    def update_channel(self, panel_id: str, channel_id: str, *, name: Optional[str] = None,
                       category_id: Optional[str] = None, topic: Optional[str] = None,
                       position: Optional[int] = None) -> Call[Channel]:
        body = {k: v for k, v in (("name", name), ("category_id", category_id), ("topic", topic),
                                  ("position", position)) if v is not None}
        return self.request("PATCH", f"/api/panels/{_q(panel_id)}/channels/{_q(channel_id)}", json_body=body,
                            parse=Channel.from_dict)

    def delete_channel(self, panel_id: str, channel_id: str) -> Call[None]:
        return self.request("DELETE", f"/api/panels/{_q(panel_id)}/channels/{_q(channel_id)}")

    def create_category(self, panel_id: str, name: str) -> Call[Category]:
        """``POST /api/panels/{id}/categories`` (``manage_channels``)."""
        return self.request("POST", f"/api/panels/{_q(panel_id)}/categories", json_body={"name": name},
                            parse=Category.from_dict)

    def update_category(self, panel_id: str, category_id: str, name: str) -> Call[Category]:
        """``PATCH /api/panels/{id}/categories/{cat}``: renames a category."""
        return self.request("PATCH", f"/api/panels/{_q(panel_id)}/categories/{_q(category_id)}",
                            json_body={"name": name}, parse=Category.from_dict)

    def delete_category(self, panel_id: str, category_id: str) -> Call[None]:
        return self.request("DELETE", f"/api/panels/{_q(panel_id)}/categories/{_q(category_id)}")

    def get_channel_messages(self, panel_id: str, channel_id: str, *, limit: Optional[int] = None,
                             before: Optional[str] = None, after: Optional[str] = None) -> Call[list[Message]]:
        """Messages of a panel channel, newest first."""
        return self.request("GET", f"/api/panels/{_q(panel_id)}/channels/{_q(channel_id)}/messages",
                            query={"limit": limit, "before": before, "after": after}, parse=_messages)

    def send_channel_message(self, panel_id: str, channel_id: str, text: str, *, bold: bool = False,
                             italic: bool = False, mentions: Optional[list[str]] = None,
                             reply_to_id: Optional[str] = None,
                             idempotency_key: Optional[str] = None) -> Call[Message]:
        """``POST /api/panels/{id}/channels/{cid}/messages``."""
        return self._send(f"/api/panels/{_q(panel_id)}/channels/{_q(channel_id)}/messages", text, bold, italic,
                          mentions, reply_to_id, idempotency_key)

    def mark_read(self, panel_id: str, channel_id: str) -> Call[Any]:
        """Clears the caller's unread counter of a channel."""
        return self.request("POST", f"/api/panels/{_q(panel_id)}/channels/{_q(channel_id)}/read")

    def get_members(self, panel_id: str) -> Call[list[Member]]:
        return self.request("GET", f"/api/panels/{_q(panel_id)}/members",
                            parse=lambda d: [Member.from_dict(m) for m in d])

    def remove_member(self, panel_id: str, user_id: str) -> Call[None]:
        """Kicks a member (``kick_members``), or leaves when ``user_id`` is the caller."""
        return self.request("DELETE", f"/api/panels/{_q(panel_id)}/members/{_q(user_id)}")

    def ban_member(self, panel_id: str, user_id: str, reason: str = "") -> Call[Ban]:
        return self.request("POST", f"/api/panels/{_q(panel_id)}/bans", json_body={"user_id": user_id,
                                                                                   "reason": reason},
                            parse=Ban.from_dict)

    def add_bot(self, panel_id: str, bot_id: str) -> Call[Member]:
        """``POST /api/panels/{id}/bots`` (``manage_panel``): adds a bot directly."""
        return self.request("POST", f"/api/panels/{_q(panel_id)}/bots", json_body={"bot_id": bot_id},
                            parse=Member.from_dict)

    def create_invite(self, panel_id: str, *, max_age_seconds: Optional[int] = None,
                      max_uses: Optional[int] = None) -> Call[Invite]:
        body = {k: v for k, v in (("max_age_seconds", max_age_seconds), ("max_uses", max_uses)) if v is not None}
        return self.request("POST", f"/api/panels/{_q(panel_id)}/invites", json_body=body, parse=Invite.from_dict)

    def accept_invite(self, code: str) -> Call[Panel]:
        """``POST /api/invites/{code}/accept``: joins the panel."""
        return self.request("POST", f"/api/invites/{_q(code)}/accept", parse=Panel.from_dict)

    def create_role(self, panel_id: str, name: str, *, color: Optional[str] = None, position: Optional[int] = None,
                    permissions: Optional[list[str]] = None) -> Call[Role]:
        body = {k: v for k, v in (("name", name), ("color", color), ("position", position),
                                  ("permissions", permissions)) if v is not None}
        return self.request("POST", f"/api/panels/{_q(panel_id)}/roles", json_body=body, parse=Role.from_dict)

    def update_role(self, panel_id: str, role_id: str, *, name: Optional[str] = None, color: Optional[str] = None,
                    position: Optional[int] = None, permissions: Optional[list[str]] = None) -> Call[Role]:
        body = {k: v for k, v in (("name", name), ("color", color), ("position", position),
                                  ("permissions", permissions)) if v is not None}
        return self.request("PATCH", f"/api/panels/{_q(panel_id)}/roles/{_q(role_id)}", json_body=body,
                            parse=Role.from_dict)

    def delete_role(self, panel_id: str, role_id: str) -> Call[None]:
        return self.request("DELETE", f"/api/panels/{_q(panel_id)}/roles/{_q(role_id)}")

    def add_member_role(self, panel_id: str, user_id: str, role_id: str) -> Call[Member]:
        return self.request("PUT", f"/api/panels/{_q(panel_id)}/members/{_q(user_id)}/roles/{_q(role_id)}",
                            parse=Member.from_dict)

    def remove_member_role(self, panel_id: str, user_id: str, role_id: str) -> Call[Any]:
        return self.request("DELETE", f"/api/panels/{_q(panel_id)}/members/{_q(user_id)}/roles/{_q(role_id)}")

    def set_channel_override(self, panel_id: str, channel_id: str, role_id: str, *,
                             allow: Optional[list[str]] = None, deny: Optional[list[str]] = None) -> Call[Channel]:
        return self.request("PUT", f"/api/panels/{_q(panel_id)}/channels/{_q(channel_id)}/overrides/{_q(role_id)}",
                            json_body={"allow": allow or [], "deny": deny or []}, parse=Channel.from_dict)

    def delete_channel_override(self, panel_id: str, channel_id: str, role_id: str) -> Call[Any]:
        return self.request("DELETE",
                            f"/api/panels/{_q(panel_id)}/channels/{_q(channel_id)}/overrides/{_q(role_id)}")

    # ------------------------------------------------------------------ helpers

    def _send(self, path: str, text: str, bold: bool, italic: bool, mentions: Optional[list[str]],
              reply_to_id: Optional[str], idempotency_key: Optional[str]) -> Call[Message]:
        return self.request("POST", path, json_body=_draft(text, bold, italic, mentions, reply_to_id),
                            headers=_idem(idempotency_key), parse=Message.from_dict)


class _Retry:
    __slots__ = ("delay",)

    def __init__(self, delay: float) -> None:
        self.delay = max(0.0, delay)


def _retry_after(body: Any, headers: Mapping[str, str]) -> float:
    if isinstance(body, dict) and isinstance(body.get("retry_after"), (int, float)):
        return float(body["retry_after"])
    try:
        return float(headers.get("retry-after", "0"))
    except ValueError:
        return 0.0


def _messages(data: Any) -> list[Message]:
    return [Message.from_dict(m) for m in data]


def _draft(text: str, bold: bool = False, italic: bool = False, mentions: Optional[list[str]] = None,
           reply_to_id: Optional[str] = None) -> dict[str, Any]:
    body: dict[str, Any] = {"text": text}
    if bold:
        body["bold"] = True
    if italic:
        body["italic"] = True
    if mentions:
        body["mentions"] = list(dict.fromkeys(mentions))
    if reply_to_id:
        body["reply_to_id"] = reply_to_id
    return body


def _draft_kwargs(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: kwargs[k] for k in ("bold", "italic", "mentions", "reply_to_id") if k in kwargs}


def _idem(key: Optional[str]) -> dict[str, str]:
    return {"Idempotency-Key": key or uuid.uuid4().hex}


__all__ = ["RestClient", "Call", "HTTPException", "ServerError"]
