"""Typed exceptions. Every REST failure carries the HTTP status and the contract's ``{"error": ...}`` text."""

from __future__ import annotations

from typing import Any


class CirculError(Exception):
    """Base class of every exception this library raises."""


class ConnectionFailed(CirculError):
    """The server could not be reached (refused, reset, timed out, DNS failure)."""


class HTTPException(CirculError):
    """The server answered with an error status.

    ``status`` is the HTTP status code, ``error`` the contract's error text (``{"error": "..."}``), ``body`` the
    decoded JSON body (or ``None``), ``method``/``path`` the request that failed.
    """

    status: int = 0

    def __init__(self, status: int, error: str, *, body: Any = None, method: str = "", path: str = "") -> None:
        super().__init__(f"{status} {error}" + (f" ({method} {path})" if method else ""))
        self.status = status
        self.error = error
        self.body = body
        self.method = method
        self.path = path

    @property
    def text(self) -> str:
        """The contract's error text (alias of ``error``, as discord.py calls it)."""
        return self.error


class BadRequest(HTTPException):
    """400: the body or query is invalid; ``error`` names the field."""


class Unauthorized(HTTPException):
    """401: missing or invalid token."""


class Forbidden(HTTPException):
    """403: authenticated but not allowed (``error`` names a missing permission, e.g. ``missing permission: send_messages``)."""


class NotFound(HTTPException):
    """404: no such resource, or one the caller may not see."""


class Conflict(HTTPException):
    """409: conflict (already a member, idempotency key reused for another request, ...)."""


class PayloadTooLarge(HTTPException):
    """413: the body (or a decoded image) is over its size cap."""


class RateLimited(HTTPException):
    """429: rate limited. ``retry_after`` is in seconds; ``is_global`` is the contract's ``global`` flag."""

    def __init__(self, status: int, error: str, *, retry_after: float, is_global: bool, body: Any = None,
                 method: str = "", path: str = "") -> None:
        super().__init__(status, error, body=body, method=method, path=path)
        self.retry_after = retry_after
        self.is_global = is_global


class ServerError(HTTPException):
    """5xx: the server failed (503 ``storage unavailable`` while its database is down)."""


_BY_STATUS: dict[int, type[HTTPException]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
}


def http_exception_for(status: int, error: str, *, body: Any = None, method: str = "", path: str = "",
                       retry_after: float = 0.0, is_global: bool = False) -> HTTPException:
    """The typed exception for an error status."""
    if status == 429:
        return RateLimited(status, error, retry_after=retry_after, is_global=is_global, body=body, method=method,
                           path=path)
    if status >= 500:
        return ServerError(status, error, body=body, method=method, path=path)
    return _BY_STATUS.get(status, HTTPException)(status, error, body=body, method=method, path=path)


class GatewayError(CirculError):
    """The gateway connection failed in a way reconnecting cannot fix."""


class TokenRevoked(GatewayError):
    """The gateway closed with 4001: the token was reset or logged out. The bot stops; reconnecting cannot help."""

    def __init__(self, reason: str = "token revoked") -> None:
        super().__init__(reason)
        self.code = 4001


class CommandError(CirculError):
    """A command could not be run (e.g. its arguments did not fit the handler's parameters)."""
