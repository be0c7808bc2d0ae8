"""circul: the Python library for Circul bots (REST client, gateway, events, commands)."""

__version__ = "0.1.0"

from .bot import Bot, CatchUp, STATUSES  # noqa: E402
from .commands import Command, parse_command  # noqa: E402
from .context import Context  # noqa: E402
from .errors import (  # noqa: E402
    BadRequest, CirculError, CommandError, Conflict, ConnectionFailed, Forbidden, GatewayError, HTTPException,
    NotFound, PayloadTooLarge, RateLimited, ServerError, TokenRevoked, Unauthorized,
)
from .gateway import Backoff, GatewayConnection  # noqa: E402
from .models import (  # noqa: E402
    Ban, Category, Channel, Conversation, Invite, Member, Message, Override, Panel, PanelChannel, PanelMember,
    Reaction, Role, Sender, User,
)
from .rest import Call, RestClient  # noqa: E402

__all__ = [
    "Bot", "CatchUp", "STATUSES", "Command", "parse_command", "Context", "RestClient", "Call", "Backoff",
    "GatewayConnection", "CirculError", "ConnectionFailed", "HTTPException", "BadRequest", "Unauthorized",
    "Forbidden", "NotFound", "Conflict", "PayloadTooLarge", "RateLimited", "ServerError", "GatewayError",
    "TokenRevoked", "CommandError", "User", "Sender", "Reaction", "Message", "Conversation", "Role", "Category",
    "Panel", "Override", "Channel", "PanelChannel", "Member", "PanelMember", "Invite", "Ban", "__version__",
]
