"""The REST client against a real silo: typed exceptions with status and the contract's text, every area of the
API, sync and async forms, 429 handling."""

from __future__ import annotations

import asyncio
import base64
import time
import urllib.request

import pytest

import circul
from conftest import Human, Silo, World, run

# A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


def client(world: World, **kwargs: object) -> circul.RestClient:
    return circul.RestClient(world.silo.url, world.token, **kwargs)  # type: ignore[arg-type]


def test_errors_are_typed_and_carry_status_and_the_contracts_text(world: World, silo: Silo) -> None:
    rest = client(world)
    with pytest.raises(circul.Unauthorized) as unauthorized:
        circul.RestClient(silo.url, "cb_wrong").me()
    assert unauthorized.value.status == 401 and unauthorized.value.error == "invalid token"
    assert str(unauthorized.value) == "401 invalid token (GET /api/me)"

    with pytest.raises(circul.NotFound) as not_found:
        rest.get_panel("panel-doesnotexist")
    assert not_found.value.status == 404 and not_found.value.error == "panel not found"
    assert not_found.value.method == "GET" and not_found.value.path == "/api/panels/panel-doesnotexist"

    with pytest.raises(circul.Forbidden) as forbidden:
        rest.create_panel("bots may not")
    assert forbidden.value.status == 403 and forbidden.value.error == "this route is for humans only"

    with pytest.raises(circul.BadRequest) as bad:
        rest.send_channel_message(world.panel_id, world.general_id, "   ")
    assert bad.value.status == 400 and "text" in bad.value.error

    with pytest.raises(circul.BadRequest) as bad_status:
        rest.update_bot(status="sleeping")
    assert "status" in bad_status.value.error

    invite = world.owner.call("POST", f"/api/panels/{world.panel_id}/invites", {}, expect=201)
    with pytest.raises(circul.Conflict) as conflict:
        rest.accept_invite(invite["code"])  # the bot is a member already
    assert conflict.value.status == 409

    with pytest.raises(circul.BadRequest) as not_png:
        rest.set_avatar(b"definitely not a png", "image/png")
    assert not_png.value.status == 400

    # every typed error is an HTTPException and a CirculError
    assert isinstance(conflict.value, circul.HTTPException) and isinstance(conflict.value, circul.CirculError)


def test_a_channel_permission_denial_names_the_missing_permission(world: World) -> None:
    world.owner.call("PUT", f"/api/panels/{world.panel_id}/channels/{world.general_id}/overrides/everyone",
                     {"allow": [], "deny": ["send_messages"]}, expect=200)
    try:
        with pytest.raises(circul.Forbidden) as forbidden:
            client(world).send_channel_message(world.panel_id, world.general_id, "hello")
        assert forbidden.value.error == "missing permission: send_messages"
    finally:
        world.owner.call("DELETE", f"/api/panels/{world.panel_id}/channels/{world.general_id}/overrides/everyone")


def test_profile_status_mood_and_avatar_upload(world: World) -> None:
    rest = client(world)
    me = rest.me()
    assert me.id == world.bot_id and me.is_bot and me.owner_id == world.owner.id
    updated = rest.update_bot(status="busy", mood="⛅ Fetching forecasts…")
    assert updated.status == "busy" and updated.mood == "⛅ Fetching forecasts…"
    with_avatar = rest.set_avatar(PNG, "image/png")
    assert with_avatar.avatar_url
    with urllib.request.urlopen(world.silo.url + with_avatar.avatar_url) as answer:
        assert answer.read() == PNG
    rest.delete_avatar()
    assert rest.me().avatar_url == ""
    assert rest.update_me(bio="I forecast").bio == "I forecast"
    contacts = rest.get_contacts()
    assert world.owner.id in [u.id for u in contacts]
    assert rest.get_user(world.owner.id).name == world.owner.name


def test_dms_groups_messages_edits_reactions_and_deletes(world: World, silo: Silo) -> None:
    rest = client(world)
    dm = rest.open_dm(world.owner.id)
    assert dm.kind == "dm" and set(dm.member_ids) == {world.bot_id, world.owner.id}
    first = rest.send_message(dm.id, "hello", bold=True)
    assert first.text == "hello" and first.bold and first.conv_id == dm.id and first.panel_id is None
    second = rest.send_dm(world.owner.id, "again", reply_to_id=first.id)
    assert second.conv_id == dm.id and second.reply_to_id == first.id
    assert [m.id for m in rest.get_messages(dm.id, limit=10)] == [second.id, first.id]
    assert [m.id for m in rest.get_messages(dm.id, after=first.id)] == [second.id]
    assert dm.id in [c.id for c in rest.get_conversations()]

    edited = rest.edit_message(first.id, "hello (edited)")
    assert edited.text == "hello (edited)" and edited.edited_at
    rest.add_reaction(first.id, "👍")
    reactions = rest.get_messages(dm.id, limit=2)[-1].reactions
    assert [(r.emoji, r.count, r.user_ids) for r in reactions] == [("👍", 1, [world.bot_id])]
    rest.remove_reaction(first.id, "👍")
    assert rest.get_messages(dm.id, limit=2)[-1].reactions == []
    rest.delete_message(second.id)
    assert [m.id for m in rest.get_messages(dm.id)] == [first.id]

    friend = Human(silo.url)
    world.owner.invite_and_join(world.panel_id, friend)  # shares a panel with the bot: visible
    group = rest.create_group("forecasters", [world.owner.id])
    assert group.kind == "group" and group.owner_id == world.bot_id
    rest.add_group_member(group.id, friend.id)
    assert set(rest.get_group(group.id).member_ids) == {world.bot_id, world.owner.id, friend.id}
    sent = rest.send_group_message(group.id, "group hello", mentions=[friend.id])
    assert sent.mentions == [friend.id]
    assert [m.id for m in rest.get_group_messages(group.id)] == [sent.id]
    rest.remove_group_member(group.id, friend.id)
    assert friend.id not in rest.get_group(group.id).member_ids


def test_panels_channels_members_and_read_markers(world: World) -> None:
    rest = client(world)
    panels = rest.get_panels()
    panel = next(p for p in panels if p.id == world.panel_id)
    assert panel.name == world.panel_name and panel.member_count == 2 and world.bot_id in panel.member_ids
    assert "send_messages" in panel.everyone_permissions
    channels = rest.get_channels(world.panel_id)
    assert [c.name for c in channels] == ["general"] and channels[0].panel_id == world.panel_id
    message = rest.send_channel_message(world.panel_id, world.general_id, "hi panel", mentions=[world.owner.id])
    assert message.panel_id == world.panel_id and message.channel_id == world.general_id == message.conv_id
    listed = rest.get_channel_messages(world.panel_id, world.general_id, limit=5)
    assert listed[0].id == message.id
    rest.mark_read(world.panel_id, world.general_id)
    members = rest.get_members(world.panel_id)
    assert {m.id: m.is_bot for m in members} == {world.owner.id: False, world.bot_id: True}


def test_categories_channels_and_roles_with_a_granted_permission(world: World) -> None:
    rest = client(world)
    with pytest.raises(circul.Forbidden) as denied:
        rest.create_category(world.panel_id, "Forecasts")
    assert denied.value.error == "missing permission: manage_channels"
    role = world.owner.call("POST", f"/api/panels/{world.panel_id}/roles",
                            {"name": "channel keeper", "permissions": ["manage_channels"]}, expect=201)
    world.owner.call("PUT", f"/api/panels/{world.panel_id}/members/{world.bot_id}/roles/{role['id']}", expect=200)

    category = rest.create_category(world.panel_id, "Forecasts")
    assert isinstance(category, circul.Category) and category.name == "Forecasts" and category.id.startswith("cat-")
    channel = rest.create_channel(world.panel_id, "daily", category_id=category.id, topic="one a day")
    assert (channel.category_id, channel.topic) == (category.id, "one a day")
    assert rest.update_category(world.panel_id, category.id, "Weather").name == "Weather"
    panel = rest.get_panel(world.panel_id)
    assert [(c.name, c.channel_ids) for c in panel.categories if c.id == category.id] == [("Weather", [channel.id])]
    rest.delete_channel(world.panel_id, channel.id)
    rest.delete_category(world.panel_id, category.id)
    assert category.id not in [c.id for c in rest.get_panel(world.panel_id).categories]


def test_the_async_form_is_awaitable_inside_an_event_loop(world: World) -> None:
    async def scenario() -> None:
        rest = client(world)
        call = rest.me()
        assert asyncio.iscoroutine(call)
        me, panels = await asyncio.gather(call, rest.get_panels())
        assert me.id == world.bot_id and world.panel_id in [p.id for p in panels]
        with pytest.raises(circul.NotFound):
            await rest.get_panel("panel-nope")
    run(scenario())


def test_429_raises_rate_limited_with_retry_after_when_retries_are_off(world: World) -> None:
    rest = client(world, retry_rate_limits=False)
    # The test silo allows 4 sends per second per room.
    with pytest.raises(circul.RateLimited) as limited:
        for i in range(10):
            rest.send_channel_message(world.panel_id, world.general_id, f"burst {i}")
    assert limited.value.status == 429 and limited.value.error == "rate limited"
    assert 0 < limited.value.retry_after <= 1.0 and limited.value.is_global is False
    assert rest.rate_limit_hits == 1


def test_429_is_waited_out_and_retried_by_default_without_duplicates(world: World) -> None:
    async def scenario() -> None:
        rest = client(world)
        channel = world.owner.call("POST", f"/api/panels/{world.panel_id}/channels", {"name": "burst"}, expect=201)
        started = time.monotonic()
        sent = [await rest.send_channel_message(world.panel_id, channel["id"], f"m{i}") for i in range(10)]
        elapsed = time.monotonic() - started
        assert rest.rate_limit_hits >= 1
        assert elapsed >= 1.0, "10 sends at 4 per second take more than a second when the limit is honoured"
        listed = rest.get_channel_messages(world.panel_id, channel["id"])
        assert sorted(m.text for m in await listed) == sorted(f"m{i}" for i in range(10))
        assert len({m.id for m in sent}) == 10
    run(scenario())
