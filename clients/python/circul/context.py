"""What a handler receives: one :class:`Context` per event, with the event's data, the cached panel and channel,
and shortcuts to answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .models import Channel, Message, Panel, Sender, User
from .rest import Call

if TYPE_CHECKING:
    from .bot import Bot


class Context:
    """The context of one gateway event (or of a command).

    Attributes that do not apply to an event are ``None`` (``message`` for a reaction, ``user_id`` for a message...).
    ``panel`` and ``channel`` come from the bot's cache (no REST call). Methods that talk to the server return their
    result in a plain ``def`` handler and an awaitable in an ``async def`` handler (``await ctx.reply(...)``).
    """

    def __init__(self, bot: "Bot", event: str, payload: Any, *, message: Optional[Message] = None,
                 conv_id: Optional[str] = None, panel_id: Optional[str] = None, channel_id: Optional[str] = None,
                 user_id: Optional[str] = None, message_id: Optional[str] = None, catch_up: bool = False,
                 panel: Optional[Panel] = None, channel: Optional[Channel] = None) -> None:
        self.bot = bot
        self.event = event
        """The gateway event type (``panel_message``, ``message_new``, ``panel_member_joined``, ...)."""
        self.payload = payload
        """The event's raw payload (a dict)."""
        self.message = message
        self.conv_id = conv_id if conv_id is not None else (message.conv_id if message else None)
        self.panel_id = panel_id if panel_id is not None else (message.panel_id if message else None)
        self.channel_id = channel_id if channel_id is not None else (message.channel_id if message else None)
        self.user_id = user_id
        self.message_id = message_id if message_id is not None else (message.id if message else None)
        self._panel = panel  # a panel or channel no longer cached (left, deleted): the last copy
        self._channel = channel
        self.is_catch_up = catch_up
        """True for messages delivered after a lost session, fetched through REST (see ``Bot.on_catch_up``)."""
        # command fields, set by the command dispatcher
        self.command: Optional[str] = None
        self.prefix: Optional[str] = None
        self.args: list[str] = []
        self.arg_text: str = ""

    # ------------------------------------------------------------------ derived data

    @property
    def me(self) -> Optional[User]:
        return self.bot.user

    @property
    def panel(self) -> Optional[Panel]:
        """The cached panel of this event (``None`` outside panels)."""
        cached = self.bot.get_panel(self.panel_id) if self.panel_id else None
        return cached if cached is not None else self._panel

    @property
    def channel(self) -> Optional[Channel]:
        """The cached channel of this event (``None`` outside panels)."""
        cached = self.bot.get_channel(self.channel_id) if self.channel_id else None
        return cached if cached is not None else self._channel

    @property
    def sender(self) -> Optional[Sender]:
        return self.message.sender if self.message else None

    @property
    def author(self) -> Optional[Sender]:
        """Alias of ``sender`` (discord.py's name)."""
        return self.sender

    @property
    def text(self) -> str:
        return self.message.text if self.message else ""

    @property
    def is_panel(self) -> bool:
        """Whether the event happened in a panel."""
        return self.panel_id is not None

    @property
    def is_dm(self) -> bool:
        return self.panel_id is None and self.conv_id is not None and self._conversation_kind() == "dm"

    @property
    def is_group(self) -> bool:
        return self.panel_id is None and self.conv_id is not None and self._conversation_kind() == "group"

    @property
    def room_id(self) -> Optional[str]:
        """Where a reply goes: the channel for panel events, else the conversation."""
        return self.channel_id or self.conv_id

    @property
    def mentioned_me(self) -> bool:
        """Whether the message mentions the bot."""
        me = self.bot.user
        return bool(self.message and me and me.id in self.message.mentions)

    @property
    def status(self) -> Optional[str]:
        """``status_change``: the new status."""
        return self.payload.get("status") if isinstance(self.payload, dict) else None

    @property
    def emoji(self) -> Optional[str]:
        """``reaction_added`` / ``reaction_removed``: the emoji."""
        return self.payload.get("emoji") if isinstance(self.payload, dict) else None

    @property
    def reason(self) -> Optional[str]:
        """``panel_banned``: the ban reason."""
        return self.payload.get("reason") if isinstance(self.payload, dict) else None

    @property
    def user(self) -> Optional[User]:
        """``user_updated``: the updated user."""
        if self.event == "user_updated" and isinstance(self.payload, dict) and "id" in self.payload:
            return User.from_dict(self.payload)
        return None

    # ------------------------------------------------------------------ actions

    def reply(self, text: str, *, mention_sender: bool = False, mentions: Optional[list[str]] = None,
              bold: bool = False, italic: bool = False, reference: bool = True) -> Call[Message]:
        """Posts ``text`` in the room of this event, as a reply to the message (``reference=False``: a plain post).

        ``mention_sender=True`` mentions the message's sender (they get a ``mention`` event), as Discord's
        ``mention_author`` does.
        """
        room = self.room_id
        if room is None:
            raise ValueError(f"a {self.event} event has no room to reply in")
        all_mentions = list(mentions or [])
        if mention_sender and self.message is not None and self.message.sender_id:
            all_mentions.append(self.message.sender_id)
        reply_to = self.message.id if reference and self.message is not None else None
        return self.bot.send(room, text, mentions=all_mentions or None, bold=bold, italic=italic,
                             reply_to_id=reply_to, panel_id=self.panel_id)

    def send(self, target: str, text: Optional[str] = None, **kwargs: Any) -> Call[Message]:
        """``ctx.send(text)`` posts in this event's room; ``ctx.send(room_id, text)`` posts in another room (a channel
        of this event's panel or of any cached panel, or a DM/group conversation id)."""
        if text is None:
            room, text = self.room_id, target
            if room is None:
                raise ValueError(f"a {self.event} event has no room to send to; use ctx.send(room_id, text)")
            return self.bot.send(room, text, panel_id=self.panel_id, **kwargs)
        panel_id = self.panel_id if (self.panel_id and self.bot._channel_panel(target) in (None, self.panel_id)) \
            else None
        return self.bot.send(target, text, panel_id=panel_id, **kwargs)

    def react(self, emoji: str) -> Call[None]:
        """Adds a reaction to this event's message."""
        if self.message_id is None:
            raise ValueError(f"a {self.event} event has no message to react to")
        return self.bot.rest.add_reaction(self.message_id, emoji)

    # ------------------------------------------------------------------ helpers

    def _conversation_kind(self) -> Optional[str]:
        # DMs and groups share the c- prefix: the bot learns each conversation's kind before dispatching its first event
        return self.bot._conversation_kinds.get(self.conv_id or "")

    def __repr__(self) -> str:
        return (f"<Context event={self.event!r} panel_id={self.panel_id!r} channel_id={self.channel_id!r} "
                f"conv_id={self.conv_id!r} message_id={self.message_id!r} user_id={self.user_id!r}>")
