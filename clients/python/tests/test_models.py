"""Wire objects read into the models (pure)."""

from __future__ import annotations

from circul import Message

# A private reply as the server sends it (API.md section 5): a webhook bot's answer visible to one user only.
PRIVATE = {
    "id": "msg-2", "conv_id": "ch-1", "panel_id": "panel-1", "channel_id": "ch-1", "sender_id": "bot-hook",
    "sender": {"id": "bot-hook", "name": "Hook", "is_bot": True, "avatar_url": ""}, "text": "only for you",
    "bold": False, "italic": False, "mentions": ["bot-me"], "reply_to_id": "msg-1", "reactions": [],
    "is_system": False, "created_at": "2026-11-21T10:00:00.123Z", "edited_at": None, "visible_to": "bot-me",
}


def test_a_private_message_carries_visible_to_and_a_public_one_none() -> None:
    private = Message.from_dict(PRIVATE)
    assert private.visible_to == "bot-me" and private.is_private
    public = Message.from_dict({**PRIVATE, "visible_to": None})
    assert public.visible_to is None and not public.is_private
    older_server = Message.from_dict({k: v for k, v in PRIVATE.items() if k != "visible_to"})
    assert older_server.visible_to is None and not older_server.is_private
