"""The API's objects (API.md sections 3 to 6) as dataclasses. Unknown fields are kept in ``raw``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


@dataclass
class User:
    """A user (human or bot)."""

    id: str
    name: str = ""
    is_bot: bool = False
    owner_id: Optional[str] = None
    status: str = "offline"
    mood: str = ""
    bio: str = ""
    avatar_url: str = ""
    banner_url: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "User":
        return cls(id=d["id"], name=d.get("name") or "", is_bot=bool(d.get("is_bot")), owner_id=d.get("owner_id"),
                   status=d.get("status") or "offline", mood=d.get("mood") or "", bio=d.get("bio") or "",
                   avatar_url=d.get("avatar_url") or "", banner_url=d.get("banner_url") or "", raw=dict(d))

    @property
    def mention(self) -> str:
        """``<@id>``: put it in a message's text to mention this user."""
        return f"<@{self.id}>"


@dataclass
class Sender:
    """The sender summary embedded in a message."""

    id: str
    name: str = ""
    is_bot: bool = False
    avatar_url: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Sender":
        return cls(id=d.get("id") or "", name=d.get("name") or "", is_bot=bool(d.get("is_bot")),
                   avatar_url=d.get("avatar_url") or "")

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class Reaction:
    """One emoji's reactions on a message."""

    emoji: str
    count: int = 0
    user_ids: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Reaction":
        return cls(emoji=d.get("emoji") or "", count=int(d.get("count") or 0), user_ids=_list(d.get("user_ids")))


@dataclass
class Message:
    """A message in a DM, a group or a panel channel (for panel messages ``conv_id == channel_id``)."""

    id: str
    conv_id: str = ""
    panel_id: Optional[str] = None
    channel_id: Optional[str] = None
    sender_id: str = ""
    sender: Sender = field(default_factory=lambda: Sender(id=""))
    text: str = ""
    bold: bool = False
    italic: bool = False
    mentions: list[str] = field(default_factory=list)
    reply_to_id: Optional[str] = None
    reactions: list[Reaction] = field(default_factory=list)
    is_system: bool = False
    created_at: str = ""
    edited_at: Optional[str] = None
    visible_to: Optional[str] = None
    """The one user besides the sender who can see a private message (a webhook bot's private reply), else ``None``."""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Message":
        sender = d.get("sender")
        return cls(
            id=d["id"], conv_id=d.get("conv_id") or "", panel_id=d.get("panel_id"), channel_id=d.get("channel_id"),
            sender_id=d.get("sender_id") or "",
            sender=Sender.from_dict(sender) if isinstance(sender, Mapping) else Sender(id=d.get("sender_id") or ""),
            text=d.get("text") or "", bold=bool(d.get("bold")), italic=bool(d.get("italic")),
            mentions=_list(d.get("mentions")), reply_to_id=d.get("reply_to_id"),
            reactions=[Reaction.from_dict(r) for r in _list(d.get("reactions"))], is_system=bool(d.get("is_system")),
            created_at=d.get("created_at") or "", edited_at=d.get("edited_at"), visible_to=d.get("visible_to"),
            raw=dict(d))

    @property
    def is_private(self) -> bool:
        """Whether only the sender and ``visible_to`` can see the message (replies to it are public)."""
        return self.visible_to is not None

    @property
    def is_panel(self) -> bool:
        """Whether the message was posted in a panel channel."""
        return self.panel_id is not None

    @property
    def room_id(self) -> str:
        """The room the message lives in: the channel id for panel messages, else the conversation id."""
        return self.channel_id or self.conv_id

    def mentions_user(self, user_id: str) -> bool:
        return user_id in self.mentions


@dataclass
class Conversation:
    """A DM (``kind == "dm"``) or a group (``kind == "group"``)."""

    id: str
    kind: str = "dm"
    name: Optional[str] = None
    member_ids: list[str] = field(default_factory=list)
    owner_id: Optional[str] = None
    created_at: str = ""
    last_message_id: Optional[str] = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Conversation":
        return cls(id=d["id"], kind=d.get("kind") or "dm", name=d.get("name"), member_ids=_list(d.get("member_ids")),
                   owner_id=d.get("owner_id"), created_at=d.get("created_at") or "",
                   last_message_id=d.get("last_message_id"), raw=dict(d))

    @property
    def is_group(self) -> bool:
        return self.kind == "group"


@dataclass
class Role:
    id: str
    name: str = ""
    color: str = ""
    position: int = 0
    permissions: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Role":
        return cls(id=d["id"], name=d.get("name") or "", color=d.get("color") or "",
                   position=int(d.get("position") or 0), permissions=_list(d.get("permissions")))


@dataclass
class Category:
    id: str
    name: str = ""
    channel_ids: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Category":
        return cls(id=d["id"], name=d.get("name") or "", channel_ids=_list(d.get("channel_ids")))


@dataclass
class Panel:
    """A panel (Discord-style server). The bot's cached copies are kept current from gateway events."""

    id: str
    name: str = ""
    creator_id: str = ""
    member_ids: list[str] = field(default_factory=list)
    member_count: int = 0
    roles: list[Role] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    member_roles: dict[str, list[str]] = field(default_factory=dict)
    everyone_permissions: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Panel":
        member_ids = _list(d.get("member_ids"))
        roles = d.get("member_roles")
        return cls(id=d["id"], name=d.get("name") or "", creator_id=d.get("creator_id") or "", member_ids=member_ids,
                   member_count=int(d.get("member_count", len(member_ids)) or 0),
                   roles=[Role.from_dict(r) for r in _list(d.get("roles"))],
                   categories=[Category.from_dict(c) for c in _list(d.get("categories"))],
                   member_roles={k: _list(v) for k, v in roles.items()} if isinstance(roles, Mapping) else {},
                   everyone_permissions=_list(d.get("everyone_permissions")), raw=dict(d))

    @property
    def channel_ids(self) -> list[str]:
        """Channel ids in category order (only channels the bot can view)."""
        return [cid for cat in self.categories for cid in cat.channel_ids]


@dataclass
class Override:
    role_id: str
    allow: list[str] = field(default_factory=list)
    deny: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Override":
        return cls(role_id=d.get("role_id") or "", allow=_list(d.get("allow")), deny=_list(d.get("deny")))


@dataclass
class Channel:
    """A text channel of a panel (the seed calls it ``PanelChannel``)."""

    id: str
    panel_id: str = ""
    name: str = ""
    category_id: Optional[str] = None
    topic: str = ""
    position: int = 0
    overrides: list[Override] = field(default_factory=list)
    unread_count: int = 0
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Channel":
        return cls(id=d["id"], panel_id=d.get("panel_id") or "", name=d.get("name") or "",
                   category_id=d.get("category_id"), topic=d.get("topic") or "",
                   position=int(d.get("position") or 0),
                   overrides=[Override.from_dict(o) for o in _list(d.get("overrides"))],
                   unread_count=int(d.get("unread_count") or 0), raw=dict(d))

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"


PanelChannel = Channel


@dataclass
class Member:
    """A panel member."""

    id: str
    name: str = ""
    status: str = "offline"
    is_bot: bool = False
    owner_id: Optional[str] = None
    role_ids: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Member":
        return cls(id=d["id"], name=d.get("name") or "", status=d.get("status") or "offline",
                   is_bot=bool(d.get("is_bot")), owner_id=d.get("owner_id"), role_ids=_list(d.get("role_ids")))


PanelMember = Member


@dataclass
class Invite:
    code: str
    panel_id: str = ""
    expires_at: Optional[str] = None
    max_uses: int = 0
    uses: int = 0

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Invite":
        return cls(code=d["code"], panel_id=d.get("panel_id") or "", expires_at=d.get("expires_at"),
                   max_uses=int(d.get("max_uses") or 0), uses=int(d.get("uses") or 0))


@dataclass
class Ban:
    panel_id: str
    user_id: str
    reason: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Ban":
        return cls(panel_id=d.get("panel_id") or "", user_id=d.get("user_id") or "", reason=d.get("reason") or "")
